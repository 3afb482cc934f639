"""SOQL as a sqlglot dialect: SOQL's own statement grammar over sqlglot's expression parser.

sqlglot parses expressions and conditions (paths, functions, comparisons, AND/OR/NOT, IN,
LIKE); this module owns the statement grammar, clause by clause in Salesforce's order:

    SELECT item, ... FROM Object [alias] [, alias.Relationship alias ...]
      [USING SCOPE scope | USING ListView = name] [WHERE ...]
      [WITH DATA CATEGORY ... | WITH SECURITY_ENFORCED | ...] ...
      [GROUP BY fields | ROLLUP(...) | CUBE(...)] [HAVING ...] [ORDER BY ...]
      [LIMIT n] [OFFSET n] [FOR VIEW | REFERENCE | UPDATE] [UPDATE TRACKING | VIEWSTAT]

and what SOQL has and SQL lacks:

- unquoted date and datetime literals (`2024-01-31`, `2024-01-31T10:00:00Z`), relative date
  literals (`TODAY`, `LAST_N_DAYS:30`) and currency literals (`USD5000`), merged by the tokenizer
  into single tokens so the parser never sees `2024 - 01 - 31` arithmetic;
- `TYPEOF What WHEN Account THEN Phone ... ELSE Name END` in the select list;
- `INCLUDES (...)` / `EXCLUDES (...)` on multi-select picklists; `FIELDS(ALL|STANDARD|CUSTOM)`;
- backslash string escapes.

Parse errors become Salesforce's MALFORMED_QUERY with the row/column of the offending token.
Every expression node carries its source span (`meta["start"]`, `meta["end"]`), so later errors
quote what the user wrote, never sqlglot's rendering. The translator decides what is allowed.
"""

from __future__ import annotations

import re
import threading
from typing import Any, cast

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
#: SOQL's reserved words: never an alias (Salesforce's list, plus the clause keywords).
RESERVED_WORDS = frozenset({
    "AND", "ASC", "DESC", "EXCLUDES", "FIRST", "FROM", "GROUP", "HAVING", "IN", "INCLUDES",
    "LAST", "LIKE", "LIMIT", "NOT", "NULL", "NULLS", "OR", "SELECT", "WHERE", "WITH", "USING",
    "ORDER", "OFFSET", "FOR", "UPDATE", "TYPEOF", "WHEN", "THEN", "ELSE", "END", "TRUE",
    "FALSE",
})
#: `WITH <mode>` clauses that change nothing in a read-only org the running user can fully read.
WITH_MODES = frozenset({"SECURITY_ENFORCED", "USER_MODE", "SYSTEM_MODE"})
CATEGORY_OPERATORS = ("AT", "ABOVE", "BELOW", "ABOVE_OR_BELOW")
#: RecordVisibilityContext parameters and their value kinds.
VISIBILITY_PARAMETERS = {"MAXDESCRIPTORPERRECORD": "number", "SUPPORTSDOMAINS": "boolean",
                         "SUPPORTSDELEGATES": "boolean"}
DATE_VALUE_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}))?")
CURRENCY_RE = re.compile(r"([A-Za-z]{3})(\d+(?:\.\d+)?)$")
_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")

#: Token types the tokenizer gives merged SOQL literals (SOQL has no N'...' or X'...' strings).
DATE_TOKEN = TokenType.NATIONAL_STRING
CURRENCY_TOKEN = TokenType.HEX_STRING
_COMPARISON_TOKENS = frozenset({TokenType.EQ, TokenType.NEQ, TokenType.LT, TokenType.LTE,
                                TokenType.GT, TokenType.GTE})


class SoqlDate(exp.Expression):
    """A date/datetime value (`2024-01-31`, `...T10:00:00Z`) or relative literal (`TODAY`,
    `LAST_N_DAYS:30`), kept as its source text; dates.py interprets it against `today`."""

    arg_types = {"this": True}


class SoqlCurrency(exp.Expression):
    """A currency literal: ISO code and amount (`USD5000` -> this='USD', expression='5000')."""

    arg_types = {"this": True, "expression": True}


class SoqlIncludes(exp.Expression):
    """`field INCLUDES ('a;b', 'c')` (or EXCLUDES when `exclude`) on a multi-select picklist."""

    arg_types = {"this": True, "expressions": True, "exclude": False}


class SoqlFields(exp.Expression):
    """`FIELDS(ALL)`, `FIELDS(STANDARD)` or `FIELDS(CUSTOM)`."""

    arg_types = {"this": True}


class SoqlTypeOf(exp.Expression):
    """`TYPEOF What WHEN Account THEN Phone, Name ... [ELSE Name] END`."""

    arg_types = {"this": True, "expressions": True, "default": False}


class SoqlTypeWhen(exp.Expression):
    """One `WHEN Type THEN field, ...` branch of a TYPEOF."""

    arg_types = {"this": True, "expressions": True}


class SoqlAliasJoin(exp.Expression):
    """`FROM Contact c, c.Account a`: a parent path given its own alias."""

    arg_types = {"this": True, "alias": True}


class SoqlCategoryFilter(exp.Expression):
    """`Geography__c AT (usa__c, uk__c)`: one data category group filter."""

    arg_types = {"this": True, "op": True, "expressions": True}


class SyntaxErrorAt(SalesforceError):
    """A MALFORMED_QUERY/MALFORMED_SEARCH that knows where it is: `offset` into the statement
    and the `token` there (so SOSL can report a RETURNING clause's error in its own text)."""

    def __init__(self, code: ErrorCode, message: str, offset: int | None, token: str) -> None:
        super().__init__(code, message)
        self.offset = offset
        self.token = token


def malformed(sql: str, line: int, col: int, token_text: str,
              code: ErrorCode = ErrorCode.MALFORMED_QUERY,
              offset: int | None = None) -> SalesforceError:
    """Salesforce's MALFORMED_QUERY shape: the line, a caret, Row/Column, the token."""
    lines = sql.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else sql
    caret = " " * max(col - 1, 0) + "^"
    return SyntaxErrorAt(
        code, f"\n{text}\n{caret}\nERROR at Row:{line}:Column:{col}\nunexpected token: "
              f"'{token_text}'", offset, token_text)


def malformed_at(sql: str, start: int, token_text: str,
                 code: ErrorCode = ErrorCode.MALFORMED_QUERY) -> SalesforceError:
    """MALFORMED_QUERY (or `code`) at character offset `start` of `sql`."""
    start = max(0, min(start, len(sql)))
    line = sql.count("\n", 0, start) + 1
    col = start - (sql.rfind("\n", 0, start) + 1) + 1
    return malformed(sql, line, col, token_text, code, start)


def _error_at(sql: str, token: Token | None) -> SalesforceError:
    if token is None or token.token_type == TokenType.SENTINEL:
        end = len(sql.rstrip())
        return malformed_at(sql, end, "<EOF>")
    return malformed_at(sql, token.start, sql[token.start:token.end + 1] or token.text or "<EOF>")


def _unterminated_quote(sql: str) -> int | None:
    """Offset of the quote that opens a string never closed (backslash escapes respected)."""
    i, n = 0, len(sql)
    while i < n:
        if sql[i] == "'":
            start, i = i, i + 1
            while i < n and sql[i] != "'":
                i += 2 if sql[i] == "\\" else 1
            if i >= n:
                return start
        i += 1
    return None


class SoqlTokenizer(tokens.Tokenizer):
    QUOTES = ["'"]
    STRING_ESCAPES = ["\\"]
    IDENTIFIERS = ["`"]  # never valid SOQL; the translator rejects quoted identifiers
    COMMENTS = []  # SOQL has no comments

    def tokenize(self, sql: str) -> list[Token]:
        try:
            raw = super().tokenize(sql)
        except TokenError as exc:
            start = _unterminated_quote(sql)
            if start is None:
                raise malformed_at(sql, 0, sql[:20]) from exc
            rest = sql[start:].split("\n", 1)[0]
            raise malformed_at(sql, start, rest[:40]) from exc
        return _merge_soql_literals(sql, raw)


def _merge_soql_literals(sql: str, raw: list[Token]) -> list[Token]:
    """Fold `2024-01-31[T..]` token runs, `LAST_N_DAYS : 30` and currency literals in value
    position (`> USD5000`, `IN (usd1.5, ...)`) into single tokens."""
    out: list[Token] = []
    i, n = 0, len(raw)
    in_list = 0  # depth of `IN (` value lists
    while i < n:
        tok = raw[i]
        tt = tok.token_type
        if tt in (DATE_TOKEN, CURRENCY_TOKEN, TokenType.BIT_STRING, TokenType.BYTE_STRING):
            raise _error_at(sql, tok)  # N'...', X'...', B'...' strings: not SOQL
        if tt == TokenType.L_PAREN and out and out[-1].token_type == TokenType.IN:
            in_list += 1
        elif tt == TokenType.R_PAREN and in_list:
            in_list -= 1
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
            if tt == TokenType.VAR and CURRENCY_RE.match(tok.text) and out \
                    and (out[-1].token_type in _COMPARISON_TOKENS
                         or (in_list and out[-1].token_type in (TokenType.L_PAREN,
                                                                TokenType.COMMA))):
                end, last = tok.end, tok
                if i + 2 < n and raw[i + 1].token_type == TokenType.DOT \
                        and raw[i + 1].start == tok.end + 1 \
                        and raw[i + 2].token_type == TokenType.NUMBER \
                        and raw[i + 2].start == raw[i + 1].end + 1 and raw[i + 2].text.isdigit():
                    end, last = raw[i + 2].end, raw[i + 2]
                    i += 2
                out.append(Token(CURRENCY_TOKEN, sql[tok.start:end + 1], last.line, last.col,
                                 tok.start, end, tok.comments))
                i += 1
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


def _currency(self: SoqlParser, token: Token) -> exp.Expression:
    m = CURRENCY_RE.match(token.text)
    assert m is not None
    node = SoqlCurrency(this=m.group(1).upper(), expression=m.group(2))
    node.meta.update(start=token.start, end=token.end)
    return node


class SoqlParser(parser.Parser):
    FUNCTION_PARSERS = {**parser.Parser.FUNCTION_PARSERS, "FIELDS": _parse_fields}
    PRIMARY_PARSERS = {
        **parser.Parser.PRIMARY_PARSERS,
        DATE_TOKEN: lambda self, token: self.expression(SoqlDate(this=token.text)),
        CURRENCY_TOKEN: _currency,
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

    # -- expressions: sqlglot's, with source spans ----------------------------------------------

    def _parse_bitwise(self) -> exp.Expr | None:
        start = self._curr
        node = super()._parse_bitwise()
        if node is not None and start is not None and "start" not in node.meta \
                and self._prev is not None:
            node.meta.update(start=start.start, end=self._prev.end, line=start.line,
                             col=start.col)
        return node

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

    def _parse_query_modifiers(self, this):
        return this  # SOQL's clauses are parsed, in order, by _parse_select_query

    def _parse_set_operations(self, this: exp.Expr | None) -> exp.Expr | None:
        return this  # no UNION/INTERSECT/EXCEPT in SOQL: the token stays and is reported

    # -- the statement --------------------------------------------------------------------------

    def _parse_statement(self) -> exp.Expr | None:
        return self._parse_select_query()

    def _parse_select_query(self, nested: bool = False, table: bool = False,
                            parse_subquery_alias: bool = True,
                            parse_set_operation: bool = True) -> exp.Expr | None:
        if not self._match(TokenType.SELECT):
            return None
        items = [self._select_item()]
        while self._match(TokenType.COMMA):
            items.append(self._select_item())
        select = exp.Select(expressions=items)
        if not self._match(TokenType.FROM):
            self.raise_error("Expecting FROM")
        select.set("from_", exp.From(this=self._object_ref()))
        joins = []
        while self._match(TokenType.COMMA):
            path = self._path_idents()
            alias = self._alias_ident()
            joins.append(SoqlAliasJoin(this=path, alias=alias))
        if joins:
            select.set("soql_joins", joins)
        self._using(select)
        if self._curr and self._curr.token_type == TokenType.WHERE:
            select.set("where", self._parse_where())
            self._using(select, list_view_only=True)
        while self._match(TokenType.WITH):
            self._with_clause(select)
        if self._match(TokenType.GROUP_BY):
            select.set("group", self._group_by())
        if self._curr and self._curr.token_type == TokenType.HAVING:
            select.set("having", self._parse_having())
        if self._curr and self._curr.token_type == TokenType.ORDER_BY:
            select.set("order", self._parse_order())
        for clause in (TokenType.LIMIT, TokenType.OFFSET):
            if self._match(clause):
                number = self._curr
                if number is None or number.token_type != TokenType.NUMBER \
                        or not number.text.isdigit():
                    self.raise_error(f"Expecting a number after {clause.name}", number)
                self._advance()
                literal = exp.Literal.number(number.text)
                node = exp.Limit(expression=literal) if clause == TokenType.LIMIT \
                    else exp.Offset(expression=literal)
                select.set(clause.name.lower(), node)
        if self._match(TokenType.FOR):
            select.set("soql_for", self._keyword(("VIEW", "REFERENCE", "UPDATE")))
        if self._match(TokenType.UPDATE):
            select.set("soql_update", self._keyword(("TRACKING", "VIEWSTAT")))
        return select

    # -- pieces -----------------------------------------------------------------------------------

    def _is_word(self, token: Token | None) -> bool:
        return token is not None and token.token_type not in (
            TokenType.STRING, TokenType.NUMBER, TokenType.SENTINEL, DATE_TOKEN, CURRENCY_TOKEN,
        ) and bool(_WORD_RE.match(token.text))

    def _word(self) -> exp.Identifier:
        token = self._curr
        if not self._is_word(token):
            self.raise_error("Expecting a name", token)
        self._advance()
        return exp.Identifier(this=token.text, quoted=False).update_positions(token)

    def _path_idents(self) -> exp.Expression:
        """`a.b.c` as a Column/Dot of identifiers (every part keeps its position)."""
        start = self._curr
        parts = [self._word()]
        while self._match(TokenType.DOT):
            parts.append(self._word())
        node: exp.Expression = exp.Column(this=parts[0]) if len(parts) == 1 else \
            exp.Column(this=parts[1], table=parts[0]) if len(parts) == 2 else \
            exp.Column(this=parts[2], table=parts[1], db=parts[0])
        for extra in parts[3:]:
            node = exp.Dot(this=node, expression=extra)
        node.meta.update(start=start.start, end=self._prev.end, line=start.line, col=start.col)
        return node

    def _alias_ident(self, optional: bool = False) -> exp.Identifier | None:
        token = self._curr
        if self._is_word(token) and token.text.upper() not in RESERVED_WORDS:
            return self._word()
        if optional:
            return None
        self.raise_error("Expecting an alias", token)
        return None

    def _object_ref(self) -> exp.Table:
        """FROM's object: a name (`Account`) or, in a child subquery, `Account.Contacts`."""
        start = self._curr
        path = [self._word()]
        while self._match(TokenType.DOT):
            path.append(self._word())
        table = exp.Table(this=path[-1])
        table.set("soql_path", path)
        table.meta.update(start=start.start, end=self._prev.end)
        alias = self._alias_ident(optional=True)
        if alias is not None:
            table.set("alias", exp.TableAlias(this=alias))
        return table

    def _select_item(self) -> exp.Expression:
        start = self._curr
        if start is not None and start.text.upper() == "TYPEOF" and self._is_word(self._next):
            self._advance()
            return self._typeof(start)
        node = self._parse_assignment()
        if node is None:
            self.raise_error("Expecting a field", start)
        assert node is not None
        if "start" not in node.meta:
            node.meta.update(start=start.start, end=self._prev.end, line=start.line,
                             col=start.col)
        alias = self._alias_ident(optional=True)
        if alias is not None:
            aliased = exp.Alias(this=node, alias=alias)
            aliased.meta.update(start=start.start, end=self._prev.end)
            return aliased
        return cast(exp.Expression, node)  # sqlglot types a parsed node as its base Expr

    def _field_list(self) -> list[exp.Expression]:
        fields = [self._path_idents()]
        while self._match(TokenType.COMMA):
            fields.append(self._path_idents())
        return fields

    def _typeof(self, start: Token) -> exp.Expression:
        field = self._path_idents()
        whens = []
        while self._match(TokenType.WHEN):
            type_name = self._word()
            if not self._match(TokenType.THEN):
                self.raise_error("Expecting THEN")
            whens.append(SoqlTypeWhen(this=type_name, expressions=self._field_list()))
        if not whens:
            self.raise_error("Expecting WHEN")
        default = self._field_list() if self._match(TokenType.ELSE) else None
        if not self._match(TokenType.END):
            self.raise_error("Expecting END")
        node = SoqlTypeOf(this=field, expressions=whens, default=default)
        node.meta.update(start=start.start, end=self._prev.end, line=start.line, col=start.col)
        return node

    def _using(self, select: exp.Select, list_view_only: bool = False) -> None:
        if not (self._curr and self._curr.token_type == TokenType.USING):
            return
        word = self._next.text.upper() if self._next else ""
        if word == "SCOPE" and not list_view_only and not select.args.get("scope"):
            self._advance(2)
            select.set("scope", self._word())
        elif word == "LISTVIEW" and not select.args.get("list_view"):
            self._advance(2)
            if not self._match(TokenType.EQ):
                self.raise_error("Expecting =")
            select.set("list_view", self._word())
        else:
            self.raise_error("Unexpected USING", self._next)

    def _with_clause(self, select: exp.Select) -> None:
        token = self._curr
        word = token.text.upper() if self._is_word(token) else ""
        if word == "DATA" and self._next and self._next.text.upper() == "CATEGORY" \
                and not select.args.get("data_category"):
            self._advance(2)
            filters = [self._category_filter()]
            while self._match(TokenType.AND):
                filters.append(self._category_filter())
            select.set("data_category", filters)
        elif word in WITH_MODES and not select.args.get("with_mode"):
            self._advance()
            select.set("with_mode", word)
        elif word == "RECORDVISIBILITYCONTEXT" and not select.args.get("visibility"):
            self._advance()
            select.set("visibility", self._visibility_parameters())
        else:
            self.raise_error("Unexpected WITH clause", token)

    def _category_filter(self) -> SoqlCategoryFilter:
        group = self._word()
        op = self._curr
        if not self._is_word(op) or op.text.upper() not in CATEGORY_OPERATORS:
            self.raise_error("Expecting AT, ABOVE, BELOW or ABOVE_OR_BELOW", op)
        self._advance()
        if self._match(TokenType.L_PAREN):
            names = [self._word()]
            while self._match(TokenType.COMMA):
                names.append(self._word())
            self._match_r_paren()
        else:
            names = [self._word()]
        return SoqlCategoryFilter(this=group, op=op.text.upper(), expressions=names)

    def _visibility_parameters(self) -> dict[str, Any]:
        if not self._match(TokenType.L_PAREN):
            self.raise_error("Expecting (")
        params: dict[str, Any] = {}
        while True:
            name = self._curr
            kind = VISIBILITY_PARAMETERS.get(name.text.upper()) if self._is_word(name) else None
            if kind is None or name.text.upper() in params:
                self.raise_error("Unknown RecordVisibilityContext parameter", name)
            self._advance()
            if not self._match(TokenType.EQ):
                self.raise_error("Expecting =")
            value = self._curr
            if kind == "number" and value.token_type == TokenType.NUMBER and value.text.isdigit():
                params[name.text.upper()] = int(value.text)
            elif kind == "boolean" and value.token_type in (TokenType.TRUE, TokenType.FALSE):
                params[name.text.upper()] = value.token_type == TokenType.TRUE
            else:
                self.raise_error("Bad RecordVisibilityContext value", value)
            self._advance()
            if not self._match(TokenType.COMMA):
                break
        self._match_r_paren()
        return params

    def _group_by(self) -> exp.Group:
        if self._curr and self._curr.token_type in (TokenType.ROLLUP, TokenType.CUBE) \
                and self._next and self._next.token_type == TokenType.L_PAREN:
            kind = "rollup" if self._curr.token_type == TokenType.ROLLUP else "cube"
            self._advance()
            fields = self._parse_wrapped_csv(self._group_item)
            node = exp.Rollup(expressions=fields) if kind == "rollup" else \
                exp.Cube(expressions=fields)
            return exp.Group(**{kind: [node]})
        fields = [self._group_item()]
        while self._match(TokenType.COMMA):
            fields.append(self._group_item())
        return exp.Group(expressions=fields)

    def _group_item(self) -> exp.Expression:
        start = self._curr
        node = self._parse_bitwise()
        if node is None:
            self.raise_error("Expecting a field", start)
        assert node is not None
        return cast(exp.Expression, node)  # sqlglot types a parsed node as its base Expr

    def _keyword(self, allowed: tuple[str, ...]) -> str:
        """One of `allowed` (FOR VIEW|REFERENCE|UPDATE, UPDATE TRACKING|VIEWSTAT)."""
        token = self._curr
        if token is None or token.text.upper() not in allowed:
            self.raise_error("Unexpected keyword", token)
        self._advance()
        return token.text.upper()


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


def source_span(node: exp.Expression) -> tuple[int, int] | None:
    """[start, end] offsets of `node` in the statement, when the parser recorded them."""
    meta = node.meta if node.meta else {}
    if "start" in meta and "end" in meta:
        return int(meta["start"]), int(meta["end"])
    spans = [s for child in node.iter_expressions() if (s := source_span(child))]
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)
