"""SOSL: `FIND {term} [IN ... FIELDS] [RETURNING Obj(fields [USING ListView=v] [WHERE] [ORDER BY]
[LIMIT] [OFFSET]), ...] [WITH ...] [LIMIT n] [UPDATE TRACKING|VIEWSTAT]`.

The search term (search_terms.py) becomes a predicate over the searched text fields of each
returned object. Each object's part of the statement is translated by the SOQL translator (so
field lists, toLabel/FORMAT/convertCurrency, WHERE, ORDER BY and LIMIT behave exactly as in SOQL)
with the search predicate added. Records are ranked by relevance (matches in the name field count
double, then the number of matched term/field pairs), ties broken by Id, unless the object spec
has ORDER BY.

WITH clauses, as Salesforce documents them for an org with one division and no Experience Cloud
sites:
- `WITH DATA CATEGORY ...`: filters the article objects returned (see soql.filters);
- `WITH DIVISION = 'Global'`: the org's one division holds every record (other names: error);
- `WITH NETWORK = ...`: the org has no sites, so no network Id is valid;
- `WITH PricebookId = '01s...'`: Product2 results in that price book (PricebookEntry);
- `WITH HIGHLIGHT`: `highlight.<Field>` on returned text fields of records of Account, Contact,
  Lead, Opportunity, Quote, User and custom objects (25 records per object), non-wildcard terms
  in <mark> tags;
- `WITH SNIPPET [(target_length=n)]` (100..500, default 255): article and case results get
  `snippet.text`, an excerpt around the first match, and `highlight.<Field>`;
- `WITH SPELL_CORRECTION = true|false` (default true): when nothing matches, plain words with no
  match anywhere are replaced by the closest indexed word (edit distance 1, or 2 for words of
  five letters or more) and the search runs again; such records carry
  `searchRecordMetadata: {spellCorrected: true}`;
- `WITH METADATA = 'LABELS'`: the response adds `metadata.entityMetadata`, the returned fields'
  labels per object.
`UPDATE TRACKING` / `UPDATE VIEWSTAT` need an article object and change nothing visible (the
org is read-only).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any

from sqlglot import exp
from sqlglot.tokenizer_core import TokenType

from sandbox_db.database import OrgView, quote_ident
from sandbox_db.errors import ErrorCode, SalesforceError, invalid_type, query_timeout
from sandbox_db.schema import FieldType, SObject
from sandbox_db.soql.context import OrgContext, context_of
from sandbox_db.soql.dialect import SyntaxErrorAt, malformed_at, parse_soql, tokenize
from sandbox_db.soql.execute import MAX_STATEMENT_CHARS, as_date, execute_plan, translation_cache
from sandbox_db.soql.plan import Plan, table_marker
from sandbox_db.soql.search_terms import (
    Term,
    correctable_words,
    highlight,
    malformed_search,
    parse_term,
    replace_words,
    snippet,
    terms,
)
from sandbox_db.soql.translate import Scope, Translator, canonical_id

DEFAULT_LIMIT = 2000
SEARCH_GROUPS = ("ALL", "NAME", "EMAIL", "PHONE", "SIDEBAR")
_SEARCHABLE = frozenset({FieldType.STRING, FieldType.TEXTAREA, FieldType.EMAIL, FieldType.PHONE,
                         FieldType.URL})
#: Field types WITH HIGHLIGHT / WITH SNIPPET mark up (text, email, text areas).
_HIGHLIGHTED = frozenset({FieldType.STRING, FieldType.TEXTAREA, FieldType.EMAIL})
_HIGHLIGHT_OBJECTS = frozenset({"Account", "Contact", "Lead", "Opportunity", "Quote", "User"})
_SNIPPET_OBJECTS = frozenset({"Case"})
MAX_HIGHLIGHTED = 25
SNIPPET_LENGTHS = (100, 500)
DEFAULT_SNIPPET_LENGTH = 255
ORG_DIVISION = "Global"


# --- the statement -------------------------------------------------------------------------

@dataclass(frozen=True)
class ObjectSpec:
    name: str
    soql: str  # SELECT <fields> FROM <name> [USING ...] [WHERE ...] [ORDER BY ...] [LIMIT n]
    has_order: bool
    #: (start in soql, end in soql, start in the SOSL text) for each copied span (for rewrites)
    segments: tuple[tuple[int, int, int], ...] = ()

    def source_offset(self, pos: int) -> int | None:
        for start, end, source in self.segments:
            if start <= pos <= end:  # the end: an error at the end of the object's clauses
                return source + pos - start
        return None


@dataclass(frozen=True)
class SearchOptions:
    """The statement's WITH and UPDATE clauses."""

    categories: Any = None  # parsed WITH DATA CATEGORY filters
    division: str | None = None
    network: tuple[str, ...] | None = None
    pricebook: str | None = None
    highlight: bool = False
    snippet: int | None = None  # target length
    spell_correction: bool = True
    metadata: bool = False
    update: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchStatement:
    tree: Any
    group: str
    returning: tuple[ObjectSpec, ...] | None
    limit: int
    options: SearchOptions = field(default_factory=SearchOptions)


def search_error_at(text: str, pos: int, token: str) -> SalesforceError:
    """MALFORMED_SEARCH with the Row/Column of `pos` in the search text."""
    return malformed_at(text, pos, token, ErrorCode.MALFORMED_SEARCH)


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
_STRING = r"'((?:\\.|[^'\\])*)'"


def parse_sosl(text: str) -> SearchStatement:
    m = re.match(r"\s*FIND\s*", text, re.IGNORECASE)
    if not m or m.end() >= len(text) or text[m.end()] not in "{'":
        raise malformed_search("a search must start with FIND {term}")
    term_text, pos = _scan_term(text, m.end())
    tree = parse_term(term_text)
    group = "ALL"
    returning: list[ObjectSpec] | None = None
    limit = DEFAULT_LIMIT
    options: dict[str, Any] = {}
    seen: set[str] = set()
    while True:
        w = _WORD.match(text, pos)
        if not w:
            break
        kw = w.group(1).upper()
        if kw == "WITH":
            pos = _with_clause(text, w.end(), options)
            continue
        if kw in seen:
            raise search_error_at(text, w.start(1), w.group(1))
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
        elif kw == "UPDATE":
            u = re.match(r"\s*(TRACKING|VIEWSTAT)\b", text[pos:], re.IGNORECASE)
            if not u:
                raise malformed_search("expected UPDATE TRACKING or UPDATE VIEWSTAT")
            options["update"] = (u.group(1).upper(),)
            pos += u.end()
        else:
            raise search_error_at(text, w.start(1), w.group(1))
    if text[pos:].strip():
        rest = len(text) - len(text[pos:].lstrip())
        raise search_error_at(text, rest, text[rest:].split(None, 1)[0][:40])
    return SearchStatement(tree, group, tuple(returning) if returning is not None else None,
                           limit, SearchOptions(**options))


def _with_clause(text: str, pos: int, options: dict[str, Any]) -> int:
    """One `WITH ...` clause at `pos`; returns the position after it."""
    rest = text[pos:]
    clauses: list[tuple[str, str]] = [
        ("categories", r"\s*DATA\s+CATEGORY\s+"),
        ("division", rf"\s*DIVISION\s*=\s*{_STRING}"),
        ("network", rf"\s*NETWORK\s*(?:=\s*{_STRING}|IN\s*\(([^)]*)\))"),
        ("pricebook", rf"\s*PricebookId\s*=\s*{_STRING}"),
        ("highlight", r"\s*HIGHLIGHT\b"),
        ("snippet", r"\s*SNIPPET\b(?:\s*\(\s*target_length\s*=\s*(\d+)\s*\))?"),
        ("spell_correction", r"\s*SPELL_CORRECTION\s*=\s*(true|false)\b"),
        ("metadata", rf"\s*METADATA\s*=\s*{_STRING}"),
    ]
    for key, pattern in clauses:
        m = re.match(pattern, rest, re.IGNORECASE)
        if not m:
            continue
        if key in options:
            raise search_error_at(text, pos + len(rest) - len(rest.lstrip()), "WITH")
        end = pos + m.end()
        if key == "categories":
            options[key], end = _category_clause(text, end)
        elif key == "division":
            options[key] = m.group(1)
        elif key == "network":
            values = [m.group(1)] if m.group(1) is not None else \
                [v.strip().strip("'") for v in m.group(2).split(",")]
            options[key] = tuple(values)
        elif key == "pricebook":
            options[key] = m.group(1)
        elif key in ("highlight",):
            options[key] = True
        elif key == "snippet":
            length = int(m.group(1)) if m.group(1) else DEFAULT_SNIPPET_LENGTH
            if not SNIPPET_LENGTHS[0] <= length <= SNIPPET_LENGTHS[1]:
                raise malformed_search(f"target_length must be between {SNIPPET_LENGTHS[0]} "
                                       f"and {SNIPPET_LENGTHS[1]}")
            options[key] = length
        elif key == "spell_correction":
            options[key] = m.group(1).lower() == "true"
        elif key == "metadata":
            if m.group(1).upper() != "LABELS":
                raise malformed_search("WITH METADATA takes 'LABELS'")
            options[key] = True
        return end
    start = pos + len(rest) - len(rest.lstrip())
    word = rest.split(None, 1)[0] if rest.strip() else "<EOF>"
    raise search_error_at(text, start, word[:40])


def _category_clause(text: str, pos: int) -> tuple[Any, int]:
    """`Group__c AT x AND Group2__c BELOW (y, z)`: parsed by the SOQL grammar."""
    one = r"\s*\w+\s+\w+\s*(?:\(\s*\w+(?:\s*,\s*\w+)*\s*\)|\w+)"
    clause = re.match(rf"{one}(?:\s+AND\b{one})*", text[pos:], re.IGNORECASE)
    if not clause:
        raise search_error_at(text, pos, text[pos:pos + 20].strip() or "<EOF>")
    spec = clause.group(0)
    try:
        select = parse_soql(f"SELECT Id FROM Knowledge__kav WITH DATA CATEGORY {spec}")
    except SyntaxErrorAt as exc:
        raise search_error_at(text, pos, exc.token) from exc
    return select.args["data_category"], pos + len(spec)


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
                                               TokenType.LIMIT, TokenType.OFFSET,
                                               TokenType.USING):
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

    def __init__(self, context: OrgContext, today: dt.date, text: str, tree: Any,
                 group: str) -> None:
        super().__init__(context, today, text)
        self.tree = tree
        self.group = group
        self.root: Scope | None = None
        self.allow_list_view = True
        self.pricebook: str | None = None  # WITH PricebookId (Product2 only)
        self._patterns: dict[str, str] = {}

    def _from_scope(self, select: exp.Select) -> Scope:
        scope = super()._from_scope(select)
        if self.root is None:
            self.root = scope
        return scope

    def _columns(self, scope: Scope) -> list[tuple[str, bool]]:
        name_field = scope.obj.name_field
        return [(f"{scope.alias}.{quote_ident(n)}", name_field is not None and n == name_field.name)
                for n in searched_fields(scope.obj, self.group)]

    def _pattern_param(self, term: Term) -> str:
        if term.pattern not in self._patterns:
            self._patterns[term.pattern] = self.param(term.pattern)
        return self._patterns[term.pattern]

    def _match(self, term: Term, scope: Scope) -> str:
        cols = self._columns(scope)
        if not cols:
            return "FALSE"
        p = self._pattern_param(term)
        matches = (f"COALESCE(regexp_matches({c}, {p}), FALSE)" for c, _ in cols)
        return "(" + " OR ".join(matches) + ")"

    def _predicate(self, tree: Any, scope: Scope) -> str:
        if isinstance(tree, Term):
            return self._match(tree, scope)
        parts = [self._predicate(t, scope) for t in tree.items]
        if tree.op == "NOT":
            return f"(NOT {parts[0]})"
        return "(" + f" {tree.op} ".join(parts) + ")"

    def _where(self, select: exp.Select, scope: Scope) -> str:
        base = super()._where(select, scope)
        if scope is not self.root:
            return base
        search = self._predicate(self.tree, scope)
        if self.pricebook is not None:
            search = f"{search} AND {self._in_pricebook(scope)}"
        return f"{base} AND {search}" if base else f" WHERE {search}"

    def _in_pricebook(self, scope: Scope) -> str:
        """Products with an entry in the WITH PricebookId price book."""
        entry = self.ctx.visible_object("PricebookEntry")
        book = self.ctx.visible_field("PricebookEntry", "Pricebook2Id")
        product = self.ctx.visible_field("PricebookEntry", "Product2Id")
        assert entry is not None and book is not None and product is not None
        pricebook = self.pricebook or ""
        if len(pricebook) not in (15, 18) or not pricebook.isalnum():
            raise SalesforceError(ErrorCode.INVALID_FIELD, f"invalid ID field: {pricebook}")
        self.objects.add(entry.name)
        return (f"COALESCE({scope.alias}.\"Id\" IN (SELECT {quote_ident(product.name)} FROM "
                f"{table_marker(entry.name)} WHERE {quote_ident(book.name)} = "
                f"{self.param(canonical_id(pricebook))}), FALSE)")

    def _order(self, select: exp.Select, scope: Scope, grouped: bool,
               group_keys: dict[str, str] | None = None,
               subtotals: str | None = None) -> list[str]:
        base = super()._order(select, scope, grouped, group_keys, subtotals)
        if base or scope is not self.root:
            return base
        score: list[str] = []
        for term in terms(self.tree) if self._columns(scope) else []:
            p = self._pattern_param(term)
            for col, is_name in self._columns(scope):
                score.append(f"CASE WHEN regexp_matches({col}, {p}) THEN "
                             f"{100 if is_name else 1} ELSE 0 END")
        return [f"({' + '.join(score)}) DESC"] if score else []


def _is_article(ctx: OrgContext, obj: SObject) -> bool:
    base = ctx.base_object(obj)
    return base is not None and base.name.endswith("__kav")


def _translate_object(spec: ObjectSpec, ctx: OrgContext, today: dt.date, statement: SearchStatement,
                      source: str) -> Plan:
    obj = ctx.visible.get(spec.name)
    if obj is None:
        raise invalid_type(spec.name)
    try:
        select = parse_soql(spec.soql)
        if select.args.get("group") or select.args.get("having"):
            raise malformed_search("GROUP BY is not supported in SOSL")
        if select.args.get("scope") is not None:  # SOSL has USING ListView, not USING SCOPE
            start = select.args["scope"].meta["start"]
            keyword = spec.soql.upper().rfind("SCOPE", 0, start)
            raise malformed_at(spec.soql, keyword, spec.soql[keyword:keyword + 5])
        options = statement.options
        if options.categories is not None and _is_article(ctx, obj):
            select.set("data_category", options.categories)
        tr = SearchTranslator(ctx, today, spec.soql, statement.tree, statement.group)
        base = ctx.base_object(obj)
        if base is not None and base.name == "Product2":
            tr.pricebook = options.pricebook
        plan = tr.translate(select)
    except SyntaxErrorAt as exc:  # report it where it is in the SOSL text, not the SOQL
        offset = spec.source_offset(exc.offset) if exc.offset is not None else None
        if offset is None:
            raise malformed_search(f"unexpected token: '{exc.token}'") from exc
        raise search_error_at(source, offset, exc.token) from exc
    if plan.kind != "records" or plan.children:
        raise malformed_search("aggregate functions and subqueries are not supported in SOSL")
    return plan


def _check_options(statement: SearchStatement, ctx: OrgContext) -> None:
    """The WITH/UPDATE clauses that depend on what the search returns."""
    options = statement.options
    objs = [o for s in statement.returning or () if (o := ctx.visible.get(s.name))]
    if (options.categories is not None or options.update) \
            and not any(_is_article(ctx, o) for o in objs):
        clause = "WITH DATA CATEGORY" if options.categories is not None else \
            f"UPDATE {options.update[0]}"
        raise SalesforceError(ErrorCode.INVALID_QUERY_FILTER_OPERATOR,
                              f"{clause} needs a knowledge article object in RETURNING")
    if options.division is not None and options.division.lower() != ORG_DIVISION.lower():
        raise SalesforceError(ErrorCode.INVALID_FIELD,
                              f"invalid division: {options.division} (this org's one division "
                              f"is {ORG_DIVISION})")
    if options.network is not None:
        raise SalesforceError(ErrorCode.INVALID_FIELD,
                              f"invalid network id: {options.network[0]} (this org has no "
                              "Experience Cloud sites)")
    if options.pricebook is not None and not any(
            (b := ctx.base_object(o)) is not None and b.name == "Product2" for o in objs):
        raise malformed_search("WITH PricebookId needs Product2 in RETURNING")


def _translate_search(search: str, ctx: OrgContext, today: dt.date,
                      tree: Any | None = None) -> tuple[SearchStatement, list[Plan]]:
    statement = parse_sosl(search)
    if tree is not None:
        statement = replace(statement, tree=tree)
    specs = statement.returning
    if specs is None:
        specs = tuple(ObjectSpec(o.name, f"SELECT Id FROM {o.name}", False)
                      for o in ctx.visible.objects if searched_fields(o, statement.group))
    plans = [_translate_object(s, ctx, today, statement, search) for s in specs]
    _check_options(statement, ctx)  # after the objects: an unknown one is INVALID_TYPE first
    return statement, plans


# --- running -------------------------------------------------------------------------------

def run_sosl(view: OrgView, search: str, *, today: dt.date) -> dict[str, Any]:
    """Run one SOSL search; returns `{"searchRecords": [...]}` or raises SalesforceError."""
    try:
        if not isinstance(search, str):
            raise malformed_search("the search must be a string")
        if len(search) > MAX_STATEMENT_CHARS:
            raise malformed_search(f"searches cannot exceed {MAX_STATEMENT_CHARS} characters")
        today = as_date(today)
        ctx = context_of(view)
        statement, plans = translation_cache.get_or_build(
            (search, view.schema.version, "sosl", today),
            lambda: _translate_search(search, ctx, today))
        # One budget for the whole search, not one per returned object's query.
        deadline = time.perf_counter() + view.query_timeout_s
        found = _run_plans(view, plans, statement.limit, deadline, search)
        corrected = False
        if not any(found) and statement.options.spell_correction:
            fixes = _spelling(view, statement, plans, deadline)
            if fixes:
                tree = replace_words(statement.tree, fixes)
                statement, plans = _translate_search(search, ctx, today, tree)
                found = _run_plans(view, plans, statement.limit, deadline, search)
                corrected = True
        return _response(view, statement, plans, found, corrected)
    except SalesforceError as exc:
        if exc.error_code == ErrorCode.MALFORMED_QUERY:
            raise malformed_search(exc.message) from exc
        raise
    except RecursionError as exc:
        raise malformed_search("search is too deeply nested") from exc
    except Exception as exc:  # noqa: BLE001 - agents must never see Python errors
        raise SalesforceError(ErrorCode.UNKNOWN_EXCEPTION,
                              "An unexpected error occurred while running the search.") from exc


def _run_plans(view: OrgView, plans: list[Plan], limit: int, deadline: float,
               search: str) -> list[list[dict[str, Any]]]:
    found: list[list[dict[str, Any]]] = []
    total = 0
    for plan in plans:
        if total >= limit:
            found.append([])
            continue
        if time.perf_counter() >= deadline:
            raise query_timeout()
        records = execute_plan(view, plan, search)["records"][:limit - total]
        total += len(records)
        found.append(records)
    return found


def _response(view: OrgView, statement: SearchStatement, plans: list[Plan],
              found: list[list[dict[str, Any]]], corrected: bool) -> dict[str, Any]:
    options = statement.options
    ctx = context_of(view)
    out: list[dict[str, Any]] = []
    for plan, records in zip(plans, found, strict=True):
        assert plan.shape is not None
        obj = ctx.visible.get(plan.shape.type_name)
        base = ctx.base_object(obj) if obj else None
        base_name = base.name if base else ""
        fields = {k: obj.field(k) for k, v in plan.shape.entries
                  if type(v) is int and obj is not None and obj.field(k) is not None}
        text_fields = [k for k, f in fields.items() if f is not None and f.type in _HIGHLIGHTED]
        snippets = options.snippet is not None and (base_name.endswith("__kav")
                                                    or base_name in _SNIPPET_OBJECTS)
        highlights = (options.highlight and (base_name in _HIGHLIGHT_OBJECTS
                                             or base_name.endswith("__c"))) or snippets
        sources = _snippet_sources(view, obj, records, statement) if snippets else {}
        for n, rec in enumerate(records):
            if highlights and n < MAX_HIGHLIGHTED:
                for key in text_fields:
                    marked = highlight(rec.get(key), statement.tree)
                    if marked is not None:
                        rec[f"highlight.{key}"] = marked
            if snippets:
                text = sources.get(rec["attributes"]["url"].rsplit("/", 1)[1])
                rec["snippet.text"] = snippet(text, statement.tree, options.snippet or 0)
            if corrected:
                rec["searchRecordMetadata"] = {"spellCorrected": True}
            out.append(rec)
    result: dict[str, Any] = {"searchRecords": out}
    if options.metadata:
        result["metadata"] = {"entityMetadata": [
            {"entityName": plan.shape.type_name,
             "fieldMetadata": [{"name": k, "label": f.label} for k, f in _labels(ctx, plan)]}
            for plan in plans if plan.shape is not None]}
    return result


def _labels(ctx: OrgContext, plan: Plan) -> list[tuple[str, Any]]:
    assert plan.shape is not None
    obj = ctx.visible.get(plan.shape.type_name)
    return [(k, f) for k, _ in plan.shape.entries if obj is not None
            and (f := obj.field(k)) is not None]


def _snippet_sources(view: OrgView, obj: SObject | None, records: list[dict[str, Any]],
                     statement: SearchStatement) -> dict[str, str | None]:
    """Record Id -> the text its snippet is cut from: its first searched text area that matches
    (one query for all the records)."""
    if obj is None or not records:
        return {}
    areas = [f for f in obj.fields if f.type == FieldType.TEXTAREA
             and f.name in searched_fields(obj, statement.group)]
    if not areas:
        return {}
    ids = [r["attributes"]["url"].rsplit("/", 1)[1] for r in records]
    cols = ", ".join(quote_ident(f.name) for f in areas)
    _, rows = view.execute(f"SELECT \"Id\", {cols} FROM {view.table(obj.name)} "
                           f"WHERE \"Id\" IN (SELECT unnest($1::VARCHAR[]))", [ids])
    return {row[0]: next((v for v in row[1:] if v and highlight(v, statement.tree) is not None),
                         None) for row in rows}


# --- spell correction ------------------------------------------------------------------------

def _spelling(view: OrgView, statement: SearchStatement, plans: list[Plan],
              deadline: float) -> dict[str, str]:
    """Corrections for plain words that match nothing in the searched fields."""
    ctx = context_of(view)
    words = list(dict.fromkeys(correctable_words(statement.tree)))
    objs = [o for p in plans if p.shape and (o := ctx.visible.get(p.shape.type_name))]
    fixes: dict[str, str] = {}
    for word in words:
        if time.perf_counter() >= deadline:
            raise query_timeout()
        best: tuple[int, int, str] | None = None
        max_distance = 1 if len(word) < 5 else 2
        for obj in objs:
            cols = searched_fields(obj, statement.group)
            if not cols:
                continue
            tokens = " UNION ALL ".join(
                f"SELECT unnest(string_split_regex(lower({quote_ident(c)}), '[^a-z0-9]+')) AS w "
                f"FROM {view.table(obj.name)}" for c in cols)
            sql = (f"SELECT w, levenshtein(w, $1) AS d, count(*) AS n FROM ({tokens}) "
                   f"WHERE length(w) BETWEEN $2 AND $3 AND levenshtein(w, $1) <= $4 "
                   f"GROUP BY w ORDER BY d, n DESC, w LIMIT 1")
            _, rows = view.execute(sql, [word.lower(), len(word) - max_distance,
                                         len(word) + max_distance, max_distance])
            if rows:
                w, d, n = rows[0]
                if d == 0:
                    best = None
                    break
                cand = (int(d), -int(n), w)
                best = cand if best is None or cand < best else best
        else:
            if best is not None:
                fixes[word] = best[2]
    return fixes


