"""SOSL: `FIND {term} [IN ... FIELDS] [RETURNING Obj(fields [WHERE] [ORDER BY] [LIMIT])] [LIMIT n]`.

The search term (words, `"quoted phrases"`, `*`/`?` wildcards, AND/OR/AND NOT, parentheses;
bare words are ANDed, as in Salesforce) becomes a predicate over the searched text fields of each
returned object: a term matches a record when it matches, case-insensitively and on word
boundaries, in any searched field. Each object's part of the statement is translated by the SOQL
translator (so field lists, WHERE, ORDER BY and LIMIT behave exactly as in SOQL) with the search
predicate added. Records are ranked by relevance (matches in the name field count double, then the
number of matched term/field pairs), ties broken by Id, unless the object spec has ORDER BY.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from typing import Any

from sqlglot import exp
from sqlglot.tokenizer_core import TokenType

from sandbox_db.database import OrgView, quote_ident
from sandbox_db.errors import ErrorCode, SalesforceError, invalid_type, query_timeout
from sandbox_db.schema import FieldType, OrgSchema, SObject
from sandbox_db.soql.dialect import parse_soql, tokenize
from sandbox_db.soql.execute import MAX_STATEMENT_CHARS, as_date, execute_plan, translation_cache
from sandbox_db.soql.translate import Plan, Scope, Translator

DEFAULT_LIMIT = 2000
SEARCH_GROUPS = ("ALL", "NAME", "EMAIL", "PHONE", "SIDEBAR")
_SEARCHABLE = frozenset({FieldType.STRING, FieldType.TEXTAREA, FieldType.EMAIL, FieldType.PHONE,
                         FieldType.URL})
_RESERVED_TERM_CHARS = set('?&|!{}[]()^~*:\\"\'+-')
#: Words and phrases in one search term: each becomes a regex over every searched field of every
#: returned object, so a longer term only builds SQL too large to parse or run in time.
MAX_SEARCH_WORDS = 64


def malformed_search(message: str) -> SalesforceError:
    return SalesforceError(ErrorCode.MALFORMED_SEARCH, message)


# --- the search term -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    pattern: str  # RE2 regex, case-insensitive, on word boundaries


@dataclass(frozen=True)
class BoolOp:
    op: str  # AND | OR | NOT (NOT has one operand)
    items: tuple[Any, ...]


_TERM_TOKEN = re.compile(r'\s*(?:(")((?:\\.|[^"\\])*)"|(\()|(\))|((?:\\.|[^\s()"])+))')


def _word_regex(word: str) -> str:
    out = []
    i = 0
    while i < len(word):
        ch = word[i]
        if ch == "\\" and i + 1 < len(word):
            out.append(re.escape(word[i + 1]))
            i += 2
            continue
        out.append(r"\w*" if ch == "*" else r"\w" if ch == "?" else re.escape(ch))
        i += 1
    return "".join(out)


def _term(text: str, phrase: bool) -> Term:
    words = text.split()
    if sum(len(w.strip("*?")) for w in words) < 2:
        raise malformed_search("search term must be longer than one character")
    body = r"\W+".join(_word_regex(w) for w in words)
    return Term(rf"(?i)(?:^|\W){body}(?:\W|$)")


def parse_term(text: str) -> Any:
    """The boolean tree of a SOSL search term."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TERM_TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise malformed_search(f"unexpected search term text: {text[pos:pos + 20]}")
        pos = m.end()
        if m.group(1):
            tokens.append(("PHRASE", m.group(2).replace('\\"', '"')))
        elif m.group(3):
            tokens.append(("(", "("))
        elif m.group(4):
            tokens.append((")", ")"))
        else:
            word = m.group(5)
            tokens.append((word.upper(), word) if word.upper() in ("AND", "OR", "NOT")
                          else ("WORD", word))
    if not tokens:
        raise malformed_search("search term must be longer than one character")
    if sum(kind in ("WORD", "PHRASE") for kind, _ in tokens) > MAX_SEARCH_WORDS:
        raise malformed_search(f"search term is too complex: use at most {MAX_SEARCH_WORDS} "
                               "words and phrases")
    index = 0

    def peek() -> str | None:
        return tokens[index][0] if index < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal index
        index += 1
        return tokens[index - 1]

    def parse_or() -> Any:
        items = [parse_and()]
        while peek() == "OR":
            take()
            items.append(parse_and())
        return items[0] if len(items) == 1 else BoolOp("OR", tuple(items))

    def parse_and() -> Any:
        items = [parse_unary()]
        while peek() in ("AND", "NOT", "WORD", "PHRASE", "("):
            if peek() == "AND":
                take()
            items.append(parse_unary())
        return items[0] if len(items) == 1 else BoolOp("AND", tuple(items))

    def parse_unary() -> Any:
        kind = peek()
        if kind == "NOT":
            take()
            return BoolOp("NOT", (parse_unary(),))
        if kind == "(":
            take()
            inner = parse_or()
            if peek() != ")":
                raise malformed_search("missing ')' in search term")
            take()
            return inner
        if kind in ("WORD", "PHRASE"):
            _, value = take()
            return _term(value, kind == "PHRASE")
        found = tokens[index][1] if kind else "<EOF>"
        raise malformed_search(f"unexpected token in search term: {found}")

    tree = parse_or()
    if index != len(tokens):
        raise malformed_search(f"unexpected token in search term: {tokens[index][1]}")
    return tree


def _terms(tree: Any) -> list[Term]:
    if isinstance(tree, Term):
        return [tree]
    return [t for item in tree.items for t in _terms(item)]


# --- the statement -------------------------------------------------------------------------

@dataclass(frozen=True)
class ObjectSpec:
    name: str
    soql: str  # SELECT <fields> FROM <name> [WHERE ...] [ORDER BY ...] [LIMIT n]
    has_order: bool
    #: (start in soql, end in soql, start in the SOSL text) for each copied span (for rewrites)
    segments: tuple[tuple[int, int, int], ...] = ()

    def source_offset(self, pos: int) -> int | None:
        for start, end, source in self.segments:
            if start <= pos < end:
                return source + pos - start
        return None


@dataclass(frozen=True)
class SearchStatement:
    tree: Any
    group: str
    returning: tuple[ObjectSpec, ...] | None
    limit: int


def _scan_term(text: str, pos: int) -> tuple[str, int]:
    opener = text[pos]
    closer = "}" if opener == "{" else "'"
    i, out = pos + 1, []
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i:i + 2] if text[i + 1] in '*?"\\' else text[i + 1])
            i += 2
            continue
        if ch == closer:
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise malformed_search(f"missing '{closer}' after the search term")


_WORD = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)")


def parse_sosl(text: str) -> SearchStatement:
    m = re.match(r"\s*FIND\s*", text, re.IGNORECASE)
    if not m or m.end() >= len(text) or text[m.end()] not in "{'":
        raise malformed_search("a search must start with FIND {term}")
    term_text, pos = _scan_term(text, m.end())
    tree = parse_term(term_text)
    group = "ALL"
    returning: list[ObjectSpec] | None = None
    limit = DEFAULT_LIMIT
    seen: set[str] = set()
    while True:
        w = _WORD.match(text, pos)
        if not w:
            break
        kw = w.group(1).upper()
        if kw in seen:
            raise malformed_search(f"duplicate {kw} clause")
        seen.add(kw)
        pos = w.end()
        if kw == "IN":
            g = _WORD.match(text, pos)
            f = _WORD.match(text, g.end()) if g else None
            if not g or not f or g.group(1).upper() not in SEARCH_GROUPS \
                    or f.group(1).upper() != "FIELDS":
                raise malformed_search("expected IN ALL|NAME|EMAIL|PHONE|SIDEBAR FIELDS")
            group = g.group(1).upper()
            pos = f.end()
        elif kw == "RETURNING":
            returning, pos = _parse_returning(text, pos)
        elif kw == "LIMIT":
            n = re.match(r"\s*(\d+)", text[pos:])
            if not n:
                raise malformed_search("LIMIT needs a number")
            limit = min(int(n.group(1)), DEFAULT_LIMIT)
            pos += n.end()
        else:
            raise malformed_search(f"unexpected token: '{w.group(1)}'")
    if text[pos:].strip():
        raise malformed_search(f"unexpected token: '{text[pos:].strip()[:20]}'")
    return SearchStatement(tree, group, tuple(returning) if returning is not None else None, limit)


def _parse_returning(text: str, pos: int) -> tuple[list[ObjectSpec], int]:
    specs = []
    while True:
        w = _WORD.match(text, pos)
        if not w:
            raise malformed_search("RETURNING needs an object name")
        name, pos = w.group(1), w.end()
        name_start = w.start(1)
        inner, start = None, pos
        rest = re.match(r"\s*\(", text[pos:])
        if rest:
            start = pos + rest.end()
            depth, i, quote = 1, start, False
            while i < len(text) and depth:
                ch = text[i]
                if ch == "\\" and quote:
                    i += 2
                    continue
                if ch == "'":
                    quote = not quote
                elif not quote:
                    depth += {"(": 1, ")": -1}.get(ch, 0)
                i += 1
            if depth:
                raise malformed_search(f"missing ')' after RETURNING {name}")
            inner, pos = text[start:i - 1], i
        specs.append(_object_spec(name, inner, name_start, start))
        comma = re.match(r"\s*,", text[pos:])
        if not comma:
            return specs, pos
        pos += comma.end()


def _object_spec(name: str, inner: str | None, name_start: int = 0,
                 inner_start: int = 0) -> ObjectSpec:
    if inner is None or not inner.strip():
        head = "SELECT Id FROM "
        return ObjectSpec(name, head + name, False,
                          ((len(head), len(head) + len(name), name_start),))
    split, has_order, depth = len(inner), False, 0
    for tok in tokenize(inner):
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and tok.token_type in (TokenType.WHERE, TokenType.ORDER_BY,
                                               TokenType.LIMIT, TokenType.OFFSET):
            split = min(split, tok.start)
            has_order = has_order or tok.token_type == TokenType.ORDER_BY
    fields, clauses = inner[:split], inner[split:]
    if not fields.strip():
        raise malformed_search(f"RETURNING {name}(...) needs a field list")
    soql = f"SELECT {fields} FROM {name} {clauses}"
    f0 = len("SELECT ")
    n0 = f0 + len(fields) + len(" FROM ")
    c0 = n0 + len(name) + 1
    segments = ((f0, f0 + len(fields), inner_start), (n0, n0 + len(name), name_start),
                (c0, c0 + len(clauses), inner_start + split))
    return ObjectSpec(name, soql, has_order, segments)


# --- translation ---------------------------------------------------------------------------

def searched_fields(obj: SObject, group: str) -> list[str]:
    if group == "NAME":
        names = [f.name for f in obj.fields
                 if f.name_field or f.name in ("FirstName", "LastName")]
    elif group == "EMAIL":
        names = [f.name for f in obj.fields if f.type == FieldType.EMAIL]
    elif group == "PHONE":
        names = [f.name for f in obj.fields if f.type == FieldType.PHONE]
    else:
        names = [f.name for f in obj.fields if f.type in _SEARCHABLE]
    return names


class SearchTranslator(Translator):
    """The SOQL translator plus the search predicate and relevance order on the root object."""

    def __init__(self, schema: OrgSchema, today: dt.date, tree: Any, group: str) -> None:
        super().__init__(schema, today)
        self.tree = tree
        self.group = group
        self.root: Scope | None = None

    def _from_scope(self, select: exp.Select) -> Scope:
        scope = super()._from_scope(select)
        if self.root is None:
            self.root = scope
        return scope

    def _columns(self, scope: Scope) -> list[tuple[str, bool]]:
        name_field = scope.obj.name_field
        return [(f"{scope.alias}.{quote_ident(n)}", name_field is not None and n == name_field.name)
                for n in searched_fields(scope.obj, self.group)]

    def _pattern_param(self, term: Term, patterns: dict[str, str]) -> str:
        if term.pattern not in patterns:
            patterns[term.pattern] = self.param(term.pattern)
        return patterns[term.pattern]

    def _match(self, term: Term, scope: Scope, patterns: dict[str, str]) -> str:
        cols = self._columns(scope)
        if not cols:
            return "FALSE"
        p = self._pattern_param(term, patterns)
        matches = (f"COALESCE(regexp_matches({c}, {p}), FALSE)" for c, _ in cols)
        return "(" + " OR ".join(matches) + ")"

    def _predicate(self, tree: Any, scope: Scope, patterns: dict[str, str]) -> str:
        if isinstance(tree, Term):
            return self._match(tree, scope, patterns)
        parts = [self._predicate(t, scope, patterns) for t in tree.items]
        if tree.op == "NOT":
            return f"(NOT {parts[0]})"
        return "(" + f" {tree.op} ".join(parts) + ")"

    def _where(self, select: exp.Select, scope: Scope) -> str:
        base = super()._where(select, scope)
        if scope is not self.root:
            return base
        self._patterns: dict[str, str] = {}
        search = self._predicate(self.tree, scope, self._patterns)
        return f"{base} AND {search}" if base else f" WHERE {search}"

    def _order(self, select: exp.Select, scope: Scope, grouped: bool,
               group_keys: dict[str, str] | None = None) -> list[str]:
        base = super()._order(select, scope, grouped, group_keys)
        if base or scope is not self.root:
            return base
        score: list[str] = []
        for term in _terms(self.tree) if self._columns(scope) else []:
            p = self._pattern_param(term, self._patterns)
            for col, is_name in self._columns(scope):
                score.append(f"CASE WHEN regexp_matches({col}, {p}) THEN "
                             f"{100 if is_name else 1} ELSE 0 END")
        return [f"({' + '.join(score)}) DESC"] if score else []


def _translate_object(spec: ObjectSpec, schema: OrgSchema, today: dt.date, tree: Any,
                      group: str) -> Plan:
    if schema.get(spec.name) is None:
        raise invalid_type(spec.name)
    try:
        select = parse_soql(spec.soql)
    except SalesforceError as exc:
        raise malformed_search(exc.message) from exc
    if select.args.get("group") or select.args.get("having"):
        raise malformed_search("GROUP BY is not supported in SOSL")
    plan = SearchTranslator(schema, today, tree, group).translate(select)
    if plan.kind != "records" or plan.children:
        raise malformed_search("aggregate functions and subqueries are not supported in SOSL")
    return plan


def run_sosl(view: OrgView, search: str, *, today: dt.date) -> dict[str, Any]:
    """Run one SOSL search; returns `{"searchRecords": [...]}` or raises SalesforceError."""
    try:
        if not isinstance(search, str):
            raise malformed_search("the search must be a string")
        if len(search) > MAX_STATEMENT_CHARS:
            raise malformed_search(f"searches cannot exceed {MAX_STATEMENT_CHARS} characters")
        today = as_date(today)
        plans = translation_cache.get_or_build(
            (search, view.schema.version, "sosl", today),
            lambda: _translate_search(search, view.schema, today))
        out: list[dict[str, Any]] = []
        plan_list, limit = plans
        # One budget for the whole search, not one per returned object's query.
        deadline = time.perf_counter() + view.query_timeout_s
        for plan in plan_list:
            if len(out) >= limit:
                break
            if time.perf_counter() >= deadline:
                raise query_timeout()
            out.extend(execute_plan(view, plan, search)["records"][:limit - len(out)])
        return {"searchRecords": out}
    except SalesforceError as exc:
        if exc.error_code == ErrorCode.MALFORMED_QUERY:
            raise malformed_search(exc.message) from exc
        raise
    except RecursionError as exc:
        raise malformed_search("search is too deeply nested") from exc
    except Exception as exc:  # noqa: BLE001 - agents must never see Python errors
        raise SalesforceError(ErrorCode.UNKNOWN_EXCEPTION,
                              "An unexpected error occurred while running the search.") from exc


def _translate_search(search: str, schema: OrgSchema, today: dt.date) -> Any:
    statement = parse_sosl(search)
    specs = statement.returning
    if specs is None:
        specs = tuple(ObjectSpec(o.name, f"SELECT Id FROM {o.name}", False)
                      for o in schema.objects if searched_fields(o, statement.group))
    return ([_translate_object(s, schema, today, statement.tree, statement.group) for s in specs],
            statement.limit)
