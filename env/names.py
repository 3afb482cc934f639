"""Which object and field names a tool call referenced, and whether each one exists.

A name is classified against both the agent's (possibly drifted) schema and the base schema:
- `ok`: it exists in the schema the agent sees;
- `stale`: it exists only in the base schema, i.e. drift renamed it (a real drift error);
- `hallucinated`: it exists in neither.
Without drift both schemas are the same, so stale never occurs. The SOQL/SOSL scan here is a
tolerant tokenizer, not a parser: it must classify names even in statements the translator
rejects, which is exactly when classification matters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from core.bounded_cache import BoundedCache
from sandbox_db.schema import OrgSchema, SObject
from sandbox_db.soql.context import identity_base_names
from sandbox_db.soql.paths import NAME_OBJECT_FIELDS

NameStatus = Literal["ok", "stale", "hallucinated"]
NameKind = Literal["object", "field", "relationship"]


class NameRef(BaseModel):
    """One referenced name. `base_object` is the base-schema object it belongs to (None when
    the object itself is unknown); `path` is how it reads, e.g. "Case.Account.Name"."""

    model_config = ConfigDict(frozen=True)

    kind: NameKind
    name: str
    path: str
    status: NameStatus
    base_object: str | None = None


_KEYWORDS = frozenset("""
SELECT FROM WHERE AND OR NOT IN LIKE INCLUDES EXCLUDES GROUP BY ORDER ASC DESC NULLS FIRST LAST
LIMIT OFFSET HAVING NULL TRUE FALSE WITH TYPEOF WHEN THEN ELSE END USING SCOPE ROLLUP CUBE FOR
VIEW REFERENCE UPDATE TRACKING VIEWSTAT SECURITY_ENFORCED USER_MODE SYSTEM_MODE AT
ABOVE BELOW ABOVE_OR_BELOW ALL ROWS FIELDS STANDARD CUSTOM FIND RETURNING
SIDEBAR DIVISION SNIPPET NETWORK METADATA HIGHLIGHT SPELL_CORRECTION LISTVIEW PRICEBOOKID
DATA CATEGORY RECORDVISIBILITYCONTEXT TARGET_LENGTH
TODAY YESTERDAY TOMORROW
""".split())
_DATE_LITERAL_RE = re.compile(r"^(LAST|NEXT|THIS)_[A-Z0-9_]+$")
#: Words after which (or before which) an identifier is a value, not a field: a scope, a data
#: category group or category, a TYPEOF type, a list view.
_VALUE_AFTER = frozenset({"SCOPE", "WHEN", "AT", "ABOVE", "BELOW", "ABOVE_OR_BELOW"})
_CATEGORY_OPERATORS = frozenset({"AT", "ABOVE", "BELOW", "ABOVE_OR_BELOW"})
_CURRENCY_RE = re.compile(r"[A-Za-z]{3}\d+")
_TOKEN_RE = re.compile(
    # (unrolled loops: the same matches, linear without backtracking per character, which
    # matters because `re` holds the GIL for a whole match and a literal may be megabytes)
    r"'[^'\\]*(?:\\.[^'\\]*)*'"                # string literal
    r"|\{[^}\\]*(?:\\.[^}\\]*)*\}"             # SOSL search term
    r"|\d{4}-\d{2}-\d{2}(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?"  # date / datetime literal
    r"|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"      # identifier or path
    r"|\d+(?:\.\d+)?"
    r"|[(),:]"
    r"|!=|<>|<=|>=|[=<>]"
)


@dataclass
class _Tok:
    text: str
    depth: int
    start: int = 0
    #: starts like an identifier (an ASCII letter or "_"); set once, when scanned
    is_ident: bool = False


_IDENT_START = re.compile(r"[A-Za-z_]")


def _tokens(text: str) -> list[_Tok]:
    """The statement's tokens (memoised up to a size, so a flood of huge hostile statements
    cannot fill memory: the same statements recur across turns and episodes; callers only
    read them)."""
    if len(text) > _MEMO_MAX_CHARS:
        return list(_scan.__wrapped__(text))
    return list(_scan(text))


_MEMO_MAX_CHARS = 4096


@lru_cache(maxsize=4096)
def _scan(text: str) -> tuple[_Tok, ...]:
    out: list[_Tok] = []
    depth = 0
    for m in _TOKEN_RE.finditer(text):
        t = m.group(0)
        if t == ")":
            depth -= 1
        out.append(_Tok(t, depth, m.start(), _IDENT_START.match(t) is not None))
        if t == "(":
            depth += 1
    return tuple(out)


class NameResolver:
    """Classifies names for one episode: the visible schema, the base schema, and the map
    visible object -> (base object, {visible field: base field})."""

    def __init__(self, visible: OrgSchema, base: OrgSchema,
                 base_names: dict[str, tuple[str, dict[str, str]]]) -> None:
        self.visible = visible
        self.base = base
        self.base_of = {v.lower(): b for v, (b, _) in base_names.items()}
        self.visible_of = {b.lower(): visible.get(v) for v, (b, _) in base_names.items()}

    # -- objects, fields, relationships -------------------------------------------------------

    def _object(self, name: str) -> tuple[NameRef, tuple[SObject | None, SObject | None] | None]:
        vis = self.visible.get(name)
        if vis is not None:
            base = self.base.get(self.base_of.get(vis.name.lower(), vis.name))
            return NameRef(kind="object", name=name, path=name, status="ok",
                           base_object=base.name if base else vis.name), (vis, base)
        base = self.base.get(name)
        if base is not None:
            return NameRef(kind="object", name=name, path=name, status="stale",
                           base_object=base.name), (self.visible_of.get(base.name.lower()), base)
        return NameRef(kind="object", name=name, path=name, status="hallucinated"), None

    def _path(self, path: str, ctx: tuple[SObject | None, SObject | None],
              prefix: str, start: int = -1, skip: int = 0) -> Iterator[Hit]:
        vis, base = ctx
        segments = path.split(".")
        walked = prefix
        for i, seg in enumerate(segments):
            hit = lambda ref, i=i: Hit(ref, start, skip + i)  # noqa: E731
            walked = f"{walked}.{seg}"
            base_name = base.name if base else None
            if i == len(segments) - 1:
                if vis is not None and (vis.field(seg) is not None or vis.compound(seg)):
                    status: NameStatus = "ok"
                elif base is not None and (base.field(seg) is not None or base.compound(seg)):
                    status = "stale"
                else:
                    status = "hallucinated"
                yield hit(NameRef(kind="field", name=seg, path=walked, status=status,
                              base_object=base_name))
                return
            ref_vis = vis.field_by_relationship(seg) if vis is not None else None
            ref_base = base.field_by_relationship(seg) if base is not None else None
            poly = ref_vis if ref_vis is not None else ref_base
            if poly is not None and len(poly.reference_to) > 1 and i == len(segments) - 2:
                # a polymorphic relationship (What, Who, Owner) leads to the Name object
                yield hit(NameRef(kind="relationship", name=seg, path=walked,
                                  status="ok" if ref_vis is not None else "stale",
                                  base_object=base_name))
                last = segments[-1]
                known = any(last.lower() == n.lower() for n in NAME_OBJECT_FIELDS)
                yield Hit(NameRef(kind="field", name=last, path=f"{walked}.{last}",
                                  status="ok" if known else "hallucinated",
                                  base_object=base_name), start, skip + i + 1)
                return
            if ref_vis is not None:
                yield hit(NameRef(kind="relationship", name=seg, path=walked, status="ok",
                              base_object=base_name))
                target_vis = self.visible.get(ref_vis.reference_to[0])
                target_base = self.base.get(self.base_of.get(ref_vis.reference_to[0].lower(),
                                                             ref_vis.reference_to[0]))
                vis, base = target_vis, target_base
            elif ref_base is not None:
                yield hit(NameRef(kind="relationship", name=seg, path=walked, status="stale",
                              base_object=base_name))
                base = self.base.get(ref_base.reference_to[0])
                vis = self.visible_of.get(base.name.lower()) if base else None
            else:
                yield hit(NameRef(kind="relationship", name=seg, path=walked, status="hallucinated",
                              base_object=base_name))
                return

    def _child(self, rel: str, ctx: tuple[SObject | None, SObject | None] | None
               ) -> tuple[NameRef | None, tuple[SObject | None, SObject | None] | None]:
        if ctx is None:
            return None, None
        vis, base = ctx
        child = vis.child_relationship(rel) if vis is not None else None
        if child is not None and vis is not None:
            cvis = self.visible.get(child.child_object)
            cbase = self.base.get(self.base_of.get(child.child_object.lower(), child.child_object))
            return (NameRef(kind="relationship", name=rel, path=f"{vis.name}.{rel}", status="ok",
                            base_object=base.name if base else None), (cvis, cbase))
        child = base.child_relationship(rel) if base is not None else None
        if child is not None and base is not None:
            cbase = self.base.get(child.child_object)
            return (NameRef(kind="relationship", name=rel, path=f"{base.name}.{rel}",
                            status="stale", base_object=base.name),
                    (self.visible_of.get(child.child_object.lower()), cbase))
        # not a child relationship: maybe an object name written as a subquery
        ref, sub = self._object(rel)
        if ref.status == "hallucinated":
            owner = vis or base
            ref = NameRef(kind="relationship", name=rel,
                          path=f"{owner.name if owner else '?'}.{rel}",
                          status="hallucinated", base_object=base.name if base else None)
        return ref, sub

    # -- statements -------------------------------------------------------------------------

    def references(self, tool: str, arguments: dict[str, Any]) -> list[NameRef]:
        """Every name the call referenced, deduplicated, in order of appearance."""
        seen: set[tuple[str, str]] = set()
        unique = []
        for hit in self.locate(tool, arguments):
            key = (hit.ref.kind, hit.ref.path.lower())
            if key not in seen:
                seen.add(key)
                unique.append(hit.ref)
        return unique

    def locate(self, tool: str, arguments: dict[str, Any]) -> list[Hit]:
        """Every name occurrence with its place in the text (for rewriting statements)."""
        try:
            if tool == "soql_query" and isinstance(arguments.get("query"), str):
                return list(self._soql(_tokens(arguments["query"]), None))
            if tool == "sosl_search" and isinstance(arguments.get("search"), str):
                return list(self._sosl(_tokens(arguments["search"])))
            if tool == "describe" and isinstance(arguments.get("object"), str):
                return [Hit(self._object(arguments["object"].strip())[0], -1, 0)]
        except (IndexError, ValueError, AttributeError):  # pathological text
            return []
        return []

    def _soql(self, toks: list[_Tok], parent: tuple[SObject | None, SObject | None] | None
              ) -> Iterator[Hit]:
        """One SELECT block (toks start at SELECT); child/semi-join blocks recurse."""
        if not toks or toks[0].text.upper() != "SELECT":
            return
        depth = toks[0].depth
        end = next((i for i, t in enumerate(toks[1:], 1) if t.depth < depth), len(toks))
        block = toks[:end]
        from_i = next((i for i, t in enumerate(block)
                       if t.depth == depth and t.text.upper() == "FROM"), None)
        if from_i is None or from_i + 1 >= len(block):
            return
        obj_tok = block[from_i + 1]
        if parent is not None:
            obj_ref, ctx = self._child(obj_tok.text, parent)
            if obj_ref is not None:
                yield Hit(obj_ref, obj_tok.start, 0, child=obj_ref.kind == "relationship")
        else:
            obj_ref, ctx = self._object(obj_tok.text)
            yield Hit(obj_ref, obj_tok.start, 0)
        aliases = {obj_tok.text.lower()}
        after = from_i + 2
        if (after < len(block) and block[after].is_ident
                and block[after].text.upper() not in _KEYWORDS):
            aliases.add(block[after].text.lower())
            after += 1
        # FROM Contact c, c.Account a: each alias stands for a parent path
        joins: dict[str, str] = {}
        join_tokens = set()
        while after + 2 < len(block) and block[after].text == "," and block[after + 1].is_ident \
                and block[after + 2].is_ident and block[after + 2].text.upper() not in _KEYWORDS:
            first, _, rest = block[after + 1].text.partition(".")
            path = f"{joins.get(first.lower(), '')}.{rest}".strip(".") \
                if first.lower() in aliases or first.lower() in joins else block[after + 1].text
            joins[block[after + 2].text.lower()] = path
            if ctx is not None:
                yield from self._path(f"{path}.Id", ctx, ctx[1].name if ctx[1] else obj_tok.text,
                                      -1)
            join_tokens |= {after + 1, after + 2}
            after += 3
        aliases |= _select_aliases(block, depth)
        i = 1
        while i < len(block):
            t = block[i]
            if t.text.upper() == "TYPEOF" and t.depth == depth:  # fields of each WHEN type
                i = next((j for j in range(i + 1, len(block))
                          if block[j].text.upper() == "END" and block[j].depth == depth),
                         len(block)) + 1
                continue
            if i in join_tokens:
                i += 1
                continue
            if t.text.upper() == "SELECT" and block[i - 1].text == "(":
                sub_end = next((j for j in range(i + 1, len(block)) if block[j].depth < t.depth),
                               len(block))
                yield from self._soql(block[i:sub_end], ctx if i < from_i else None)
                i = sub_end
                continue
            if i in (from_i + 1, from_i + 2) and t.depth == depth:
                i += 1
                continue
            if ctx is not None and _is_name(block, i) and t.text.lower() not in aliases:
                path, skip = t.text, 0
                first, _, rest = path.partition(".")
                if rest and first.lower() in joins:
                    path, skip = f"{joins[first.lower()]}.{rest}", 1
                elif rest and first.lower() in aliases and not _has_relationship(ctx, first):
                    path, skip = rest, 1
                yield from self._path(path, ctx, ctx[1].name if ctx[1] else obj_tok.text,
                                      t.start, skip)
            i += 1

    def _sosl(self, toks: list[_Tok]) -> Iterator[Hit]:
        start = next((i for i, t in enumerate(toks) if t.text.upper() == "RETURNING"), None)
        if start is None:
            return
        i = start + 1
        while i < len(toks):
            t = toks[i]
            if t.depth == 0 and t.is_ident and t.text.upper() not in _KEYWORDS:
                obj_ref, ctx = self._object(t.text)
                yield Hit(obj_ref, t.start, 0)
                if i + 1 < len(toks) and toks[i + 1].text == "(":
                    close = next((j for j in range(i + 2, len(toks)) if toks[j].depth == 0),
                                 len(toks))
                    inner = toks[i + 2:close]
                    if ctx is not None:
                        for j, it in enumerate(inner):
                            if _is_name(inner, j):
                                yield from self._path(it.text, ctx,
                                                      ctx[1].name if ctx[1] else t.text, it.start)
                    i = close
            elif t.depth == 0 and t.text.upper() in ("WITH", "LIMIT", "UPDATE"):
                return
            i += 1


@dataclass(frozen=True)
class Hit:
    """A name occurrence: the ref, where its token starts in the text (-1: not in a text),
    which dot-separated segment of that token it is, and whether it names a child
    relationship (a subquery's FROM)."""

    ref: NameRef
    start: int
    segment: int
    child: bool = False


def rename_in_text(text: str, hits: list[Hit], new_name: Callable[[Hit], str | None]) -> str:
    """`text` with each hit's segment replaced by `new_name(hit)` (None keeps it)."""
    by_token: dict[int, list[Hit]] = {}
    for hit in hits:
        if hit.start >= 0:
            by_token.setdefault(hit.start, []).append(hit)
    out = text
    for start in sorted(by_token, reverse=True):
        m = _TOKEN_RE.match(text, start)
        assert m is not None
        segments = m.group(0).split(".")
        for hit in by_token[start]:
            replacement = new_name(hit)
            if replacement is not None and hit.segment < len(segments):
                segments[hit.segment] = replacement
        out = out[:start] + ".".join(segments) + out[m.end():]
    return out


def _has_relationship(ctx: tuple[SObject | None, SObject | None], rel: str) -> bool:
    vis, base = ctx
    return any(o is not None and o.field_by_relationship(rel) is not None for o in (vis, base))


def _is_name(toks: list[_Tok], i: int) -> bool:
    """A field/path token: an identifier that is no keyword, function, date literal or N-literal."""
    t = toks[i]
    if not t.is_ident:
        return False
    upper = t.text.upper()
    if upper in _KEYWORDS or _DATE_LITERAL_RE.match(upper):
        return False
    nxt = toks[i + 1].text if i + 1 < len(toks) else ""
    prev = toks[i - 1].text.upper() if i > 0 else ""
    if prev in _VALUE_AFTER or nxt.upper() in _CATEGORY_OPERATORS \
            or (prev == "=" and i > 1 and toks[i - 2].text.upper() == "LISTVIEW"):
        return False  # a scope, a category group or category, a TYPEOF type, a list view
    if prev in ("(", ",") and _in_category_list(toks, i):
        return False
    if _CURRENCY_RE.fullmatch(t.text) and prev in ("=", "!=", "<>", "<", "<=", ">", ">=", "(",
                                                      ","):
        return False  # a currency literal: USD5000
    return nxt not in ("(", ":")


def _in_category_list(toks: list[_Tok], i: int) -> bool:
    """`AT (usa__c, uk__c)`: the token is inside a data category list."""
    depth = toks[i].depth
    for j in range(i - 1, 0, -1):
        if toks[j].text == "(" and toks[j].depth == depth - 1:
            return toks[j - 1].text.upper() in _CATEGORY_OPERATORS
    return False


def _select_aliases(block: list[_Tok], depth: int) -> set[str]:
    """Aliases in the SELECT list: an identifier right after `)` or after another name."""
    aliases = set()
    for i in range(1, len(block)):
        t, prev = block[i], block[i - 1]
        if t.depth == depth and t.text.upper() == "FROM":
            break
        if t.depth != depth or not t.is_ident or t.text.upper() in _KEYWORDS:
            continue
        if prev.text == ")" or (prev.is_ident and prev.text.upper() not in _KEYWORDS):
            aliases.add(t.text.lower())
    return aliases


_BASE_RESOLVERS: BoundedCache[str, NameResolver] = BoundedCache(64)


def base_resolver(schema: OrgSchema) -> NameResolver:
    """The resolver of an undrifted view of `schema` (visible = base): what the reference
    agents and the metrics classify reference solutions with. One per schema version."""
    return _BASE_RESOLVERS.get_or_build(
        schema.version, lambda: NameResolver(schema, schema, identity_base_names(schema)))


def objects_used(resolver: NameResolver, calls: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Base objects whose names the calls use: FROM/RETURNING/describe objects, objects reached
    through relationship paths, and child-subquery objects (what drift discovery must cover)."""
    found: list[str] = []
    for tool, args in calls:
        for hit in resolver.locate(tool, args):
            owner = hit.ref.base_object
            if owner and owner not in found:
                found.append(owner)
            if hit.child and owner:
                obj = resolver.base.get(owner)
                rel = obj.child_relationship(hit.ref.name) if obj else None
                if rel and rel.child_object not in found:
                    found.append(rel.child_object)
    return found
