"""SOQL as a sqlglot dialect: only the places where SOQL's grammar differs from SQL.

sqlglot parses the SQL-shaped skeleton (SELECT ... FROM ... WHERE ... GROUP BY ... ORDER BY ...
LIMIT ... OFFSET); this module adds what SOQL has and SQL lacks:

- unquoted date and datetime literals (`2024-01-31`, `2024-01-31T10:00:00Z`) and relative date
  literals (`TODAY`, `LAST_N_DAYS:30`), merged by the tokenizer into one `SoqlDate` node so the
  parser never sees `2024 - 01 - 31` arithmetic;
- `INCLUDES (...)` / `EXCLUDES (...)` on multi-select picklists;
- `FIELDS(ALL|STANDARD|CUSTOM)`;
- backslash string escapes.

Parse errors become Salesforce's MALFORMED_QUERY with the row/column of the offending token.
The parser is permissive (it is sqlglot's); the translator decides what is allowed.
"""

from __future__ import annotations

import re
import threading
from typing import cast

from sqlglot import exp, parser, tokens
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokenizer_core import Token, TokenType

from sandbox_db.errors import ErrorCode, SalesforceError

#: Relative date literals without a number (`TODAY`) and with one (`LAST_N_DAYS:30`).
FIXED_DATE_LITERALS = frozenset({
    "YESTERDAY", "TODAY", "TOMORROW", "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK", "LAST_MONTH",
    "THIS_MONTH", "NEXT_MONTH", "LAST_90_DAYS", "NEXT_90_DAYS", "THIS_QUARTER", "LAST_QUARTER",
    "NEXT_QUARTER", "THIS_YEAR", "LAST_YEAR", "NEXT_YEAR", "THIS_FISCAL_QUARTER",
    "LAST_FISCAL_QUARTER", "NEXT_FISCAL_QUARTER", "THIS_FISCAL_YEAR", "LAST_FISCAL_YEAR",
    "NEXT_FISCAL_YEAR",
})
N_DATE_LITERALS = frozenset({
    "LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO", "LAST_N_WEEKS", "NEXT_N_WEEKS", "N_WEEKS_AGO",
    "LAST_N_MONTHS", "NEXT_N_MONTHS", "N_MONTHS_AGO", "LAST_N_QUARTERS", "NEXT_N_QUARTERS",
    "N_QUARTERS_AGO", "LAST_N_YEARS", "NEXT_N_YEARS", "N_YEARS_AGO", "LAST_N_FISCAL_QUARTERS",
    "NEXT_N_FISCAL_QUARTERS", "N_FISCAL_QUARTERS_AGO", "LAST_N_FISCAL_YEARS",
    "NEXT_N_FISCAL_YEARS", "N_FISCAL_YEARS_AGO",
})
#: Clauses accepted and ignored: security and tracking modes change nothing in this org.
IGNORED_CLAUSES = frozenset({
    (TokenType.WITH, "SECURITY_ENFORCED"), (TokenType.WITH, "USER_MODE"),
    (TokenType.WITH, "SYSTEM_MODE"), (TokenType.FOR, "VIEW"), (TokenType.FOR, "REFERENCE"),
})
DATE_VALUE_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}))?")

#: The token type the tokenizer gives merged date literals (SOQL has no N'...' strings).
DATE_TOKEN = TokenType.NATIONAL_STRING


class SoqlDate(exp.Expression):
    """A date/datetime value (`2024-01-31`, `...T10:00:00Z`) or relative literal (`TODAY`,
    `LAST_N_DAYS:30`), kept as its source text; dates.py interprets it against `today`."""

    arg_types = {"this": True}


class SoqlIncludes(exp.Expression):
    """`field INCLUDES ('a;b', 'c')` (or EXCLUDES when `exclude`) on a multi-select picklist."""

    arg_types = {"this": True, "expressions": True, "exclude": False}


class SoqlFields(exp.Expression):
    """`FIELDS(ALL)`, `FIELDS(STANDARD)` or `FIELDS(CUSTOM)`."""

    arg_types = {"this": True}


def malformed(sql: str, line: int, col: int, token_text: str) -> SalesforceError:
    """Salesforce's MALFORMED_QUERY shape: the line, a caret, Row/Column, the token."""
    lines = sql.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else sql
    caret = " " * max(col - 1, 0) + "^"
    return SalesforceError(
        ErrorCode.MALFORMED_QUERY,
        f"\n{text}\n{caret}\nERROR at Row:{line}:Column:{col}\nunexpected token: '{token_text}'")


def _error_at(sql: str, token: Token | None) -> SalesforceError:
    if token is None or token.token_type == TokenType.SENTINEL:
        lines = sql.rstrip().split("\n")
        return malformed(sql, len(lines), len(lines[-1]) + 1, "<EOF>")
    line_start = sql.rfind("\n", 0, token.start) + 1
    return malformed(sql, token.line, token.start - line_start + 1, token.text or "<EOF>")


class SoqlTokenizer(tokens.Tokenizer):
    QUOTES = ["'"]
    STRING_ESCAPES = ["\\"]
    IDENTIFIERS = ["`"]  # never valid SOQL; the translator rejects quoted identifiers
    COMMENTS = []  # SOQL has no comments

    def tokenize(self, sql: str) -> list[Token]:
        try:
            raw = super().tokenize(sql)
        except TokenError as exc:
            raise malformed(sql, 1, 1, sql[:20]) from exc
        return _merge_soql_literals(sql, raw)


def _merge_soql_literals(sql: str, raw: list[Token]) -> list[Token]:
    """Fold `2024-01-31[T..]` token runs and `LAST_N_DAYS : 30` into single DATE_TOKENs."""
    out: list[Token] = []
    i, n = 0, len(raw)
    while i < n:
        tok = raw[i]
        tt = tok.token_type
        if tt == DATE_TOKEN:  # a user-written N'...' string: not SOQL
            raise _error_at(sql, tok)
        if i > 0 and i + 1 < n and (tt, raw[i + 1].text.upper()) in IGNORED_CLAUSES:
            i += 2  # sharing/visibility clauses: one user sees everything here
            continue
        if tt == TokenType.NUMBER and len(tok.text) == 4 and i + 1 < n \
                and raw[i + 1].token_type == TokenType.DASH:
            m = DATE_VALUE_RE.match(sql, tok.start)
            if m:
                j = i
                while j < n and raw[j].start < m.end():
                    j += 1
                last = raw[j - 1]
                if last.end + 1 == m.end():
                    out.append(Token(DATE_TOKEN, m.group(0), last.line, last.col, tok.start,
                                     last.end, tok.comments))
                    i = j
                    continue
        elif tt in (TokenType.VAR, TokenType.IDENTIFIER) or tok.text.isidentifier():
            upper = tok.text.upper()
            if upper in FIXED_DATE_LITERALS and not _is_field_context(raw, i):
                out.append(Token(DATE_TOKEN, upper, tok.line, tok.col, tok.start, tok.end,
                                 tok.comments))
                i += 1
                continue
            if upper in N_DATE_LITERALS and i + 2 < n and raw[i + 1].token_type == TokenType.COLON:
                num = raw[i + 2]
                if num.token_type != TokenType.NUMBER or not num.text.isdigit():
                    raise _error_at(sql, num)
                out.append(Token(DATE_TOKEN, f"{upper}:{int(num.text)}", num.line, num.col,
                                 tok.start, num.end, tok.comments))
                i += 3
                continue
        out.append(tok)
        i += 1
    return out


def _is_field_context(raw: list[Token], i: int) -> bool:
    """A word right after a dot is a path part, never a date literal."""
    return i > 0 and raw[i - 1].token_type == TokenType.DOT


def _parse_fields(self: SoqlParser) -> exp.Expression:
    arg = self._curr
    if arg.token_type == TokenType.SENTINEL \
            or arg.text.upper() not in ("ALL", "STANDARD", "CUSTOM"):
        self.raise_error("FIELDS() takes ALL, STANDARD or CUSTOM", arg)
    self._advance()
    self._match_r_paren()
    return self.expression(SoqlFields(this=arg.text.upper()))


class SoqlParser(parser.Parser):
    FUNCTION_PARSERS = {**parser.Parser.FUNCTION_PARSERS, "FIELDS": _parse_fields}
    PRIMARY_PARSERS = {
        **parser.Parser.PRIMARY_PARSERS,
        DATE_TOKEN: lambda self, token: self.expression(SoqlDate(this=token.text)),
    }

    def raise_error(self, message: str, token: Token | None = None) -> None:
        """sqlglot's ParseError (its backtracking relies on it), carrying the offending token so
        parse_soql can report Salesforce's Row/Column."""
        token = token or self._curr
        try:
            super().raise_error(message, token)
        except ParseError as exc:
            exc.soql_token = token  # type: ignore[attr-defined]
            raise

    def _parse_range(self, this: exp.Expr | None = None, parse_is: bool = False) -> exp.Expr | None:
        this = super()._parse_range(this, parse_is)
        if self._curr.text.upper() in ("INCLUDES", "EXCLUDES") \
                and self._curr.token_type != TokenType.SENTINEL \
                and self._next.token_type == TokenType.L_PAREN:
            exclude = self._curr.text.upper() == "EXCLUDES"
            self._advance()
            values = self._parse_wrapped_csv(self._parse_primary)
            return self.expression(SoqlIncludes(this=this, expressions=values, exclude=exclude))
        return this


class SOQL(Dialect):
    """Salesforce Object Query Language (parse only; the translator generates DuckDB SQL)."""

    NULL_ORDERING = "nulls_are_small"  # Salesforce: ASC -> nulls first, DESC -> nulls last
    Tokenizer = SoqlTokenizer
    Parser = SoqlParser


_DIALECT = SOQL()
_LOCAL = threading.local()  # one tokenizer and parser per thread: both are stateful, both reset


def _instances() -> tuple[SoqlTokenizer, SoqlParser]:
    pair = getattr(_LOCAL, "pair", None)
    if pair is None:
        pair = _LOCAL.pair = (_DIALECT.tokenizer(), _DIALECT.parser())
    return cast(tuple[SoqlTokenizer, SoqlParser], pair)  # the dialect's own classes


def tokenize(text: str) -> list[Token]:
    return _instances()[0].tokenize(text)


def parse_soql(text: str) -> exp.Select:
    """Parse one SOQL SELECT; anything else (or a parse failure) is MALFORMED_QUERY."""
    if not text or not text.strip():
        raise malformed(text or "", 1, 1, "<EOF>")
    toks = tokenize(text)
    first = toks[0]
    if first.token_type != TokenType.SELECT:
        raise _error_at(text, first)
    semi = next((t for t in toks if t.token_type == TokenType.SEMICOLON), None)
    if semi is not None:  # SOQL has no statement separator: one statement, always
        raise _error_at(text, semi)
    try:
        statements = _instances()[1].parse(toks, text)
    except SalesforceError:
        raise
    except ParseError as exc:
        raise _error_at(text, getattr(exc, "soql_token", None)) from exc
    except RecursionError as exc:
        raise SalesforceError(ErrorCode.MALFORMED_QUERY, "query is too deeply nested") from exc
    if len(statements) != 1 or not isinstance(statements[0], exp.Select):
        raise _error_at(text, None)
    return statements[0]
