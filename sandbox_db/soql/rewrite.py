"""Re-emit a SOQL or SOSL statement under another schema's names (for drifted orgs).

The oracle agent holds reference queries written against the base schema; under drift the same
objects and fields carry other names. `rewrite_soql` resolves every name in the statement against
`schema_from` (exactly as the translator does) and replaces it in place in the original text, so
formatting, literals and keywords are untouched. Relationship names follow their reference field:
the new relationship name is whatever `schema_to` gives the renamed field; child relationship
names are found in `schema_to` by (child object, field).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlglot import exp

from sandbox_db.errors import (
    ErrorCode,
    SalesforceError,
    invalid_field,
    invalid_relationship,
    invalid_type,
    only_salesforce_errors,
)
from sandbox_db.schema import OrgSchema, SObject
from sandbox_db.soql.dialect import SoqlFields, parse_soql
from sandbox_db.soql.execute import is_sosl
from sandbox_db.soql.sosl import _translate_search, parse_sosl
from sandbox_db.soql.translate import Translator

#: Date literals play no part in names; validation needs some day.
_ANY_DAY = dt.date(2000, 1, 1)
Edit = tuple[int, int, str]  # [start, end] inclusive source span -> replacement


@dataclass
class _Renamer:
    schema_from: OrgSchema
    schema_to: OrgSchema
    object_map: dict[str, str]
    field_map: dict[str, dict[str, str]]

    def object_to(self, obj: SObject) -> SObject:
        target = self.schema_to.get(self.object_map.get(obj.name, obj.name))
        if target is None:
            raise invalid_type(self.object_map.get(obj.name, obj.name))
        return target

    def field_to(self, obj: SObject, field_name: str) -> str:
        return self.field_map.get(obj.name, {}).get(field_name, field_name)

    def relationship_to(self, obj: SObject, ref_field: str) -> str:
        target = self.object_to(obj)
        f = target.field(self.field_to(obj, ref_field))
        if f is None or not f.relationship_name:
            raise invalid_field(self.field_to(obj, ref_field), target.name)
        return f.relationship_name

    def child_relationship_to(self, parent: SObject, name: str) -> tuple[str, SObject]:
        rel = parent.child_relationship(name)
        child = self.schema_from.get(rel.child_object) if rel else None
        if rel is None or child is None:
            raise invalid_relationship(name, parent.name)
        child_to = self.object_to(child)
        field_to = self.field_to(child, rel.field)
        for c in self.object_to(parent).child_relationships:
            if c.child_object == child_to.name and c.field == field_to:
                return c.relationship_name, child
        raise invalid_relationship(name, parent.name)

    # -- walking --------------------------------------------------------------------------------

    def select(self, select: exp.Select, obj: SObject | None, edits: list[Edit],
               child_of: SObject | None = None) -> None:
        table = select.args["from_"].this
        if child_of is not None:
            new_name, obj = self.child_relationship_to(child_of, table.name)
        else:
            obj = self.schema_from.get(table.name)
            if obj is None:
                raise invalid_type(table.name)
            new_name = self.object_to(obj).name
        _edit(edits, table.this, new_name)
        alias = table.args.get("alias")
        user_alias = alias.name if alias is not None else None
        for key, value in select.args.items():
            if key == "from_" or value is None:
                continue
            for node in value if isinstance(value, list) else [value]:
                if isinstance(node, exp.Expression):
                    self.walk(node, obj, user_alias, edits)

    def walk(self, node: exp.Expression, obj: SObject, user_alias: str | None,
             edits: list[Edit]) -> None:
        if isinstance(node, (exp.Column, exp.Dot)):
            self.path(node, obj, user_alias, edits)
            return
        if isinstance(node, exp.Subquery) and isinstance(node.parent, exp.Select):
            self.select(node.this, None, edits, child_of=obj)  # child relationship subquery
            return
        if isinstance(node, exp.Select):
            self.select(node, None, edits)  # semi-join
            return
        if isinstance(node, (SoqlFields, exp.Identifier)):
            return
        if isinstance(node, exp.Alias):
            self.walk(node.this, obj, user_alias, edits)
            return
        for child in node.iter_expressions():
            self.walk(child, obj, user_alias, edits)

    def path(self, node: exp.Expression, obj: SObject, user_alias: str | None,
             edits: list[Edit]) -> None:
        idents = _identifiers(node)
        if not idents:
            return
        if len(idents) > 1:
            head = idents[0].name.lower()
            if user_alias and head == user_alias.lower():
                idents = idents[1:]
            elif head == obj.name.lower() and obj.field_by_relationship(head) is None:
                _edit(edits, idents[0], self.object_to(obj).name)
                idents = idents[1:]
        for ident in idents[:-1]:
            ref = obj.field_by_relationship(ident.name)
            target = self.schema_from.get(ref.reference_to[0]) if ref else None
            if ref is None or target is None:
                raise invalid_relationship(ident.name, obj.name)
            _edit(edits, ident, self.relationship_to(obj, ref.name))
            obj = target
        f = obj.field(idents[-1].name)
        if f is None:
            raise invalid_field(idents[-1].name, obj.name)
        _edit(edits, idents[-1], self.field_to(obj, f.name))


def _identifiers(node: exp.Expression) -> list[exp.Identifier]:
    if isinstance(node, exp.Column):
        return [p for p in node.parts if isinstance(p, exp.Identifier)]
    if isinstance(node, exp.Dot):
        right = node.expression
        return [*_identifiers(node.this), *([right] if isinstance(right, exp.Identifier) else [])]
    return []


def _edit(edits: list[Edit], ident: exp.Identifier, new: str) -> None:
    meta = ident.meta
    if "start" in meta and ident.name != new:
        edits.append((meta["start"], meta["end"], new))


def _apply(text: str, edits: list[Edit]) -> str:
    for start, end, new in sorted(set(edits), reverse=True):
        text = text[:start] + new + text[end + 1:]
    return text


def rewrite_soql(query: str, schema_from: OrgSchema, schema_to: OrgSchema,
                 object_map: dict[str, str], field_map: dict[str, dict[str, str]]) -> str:
    """`query` with object, field and relationship names mapped from `schema_from` to `schema_to`.

    Maps are keyed by `schema_from` names; unmapped names are kept. Raises SalesforceError when
    the query does not resolve against `schema_from`.
    """
    renamer = _Renamer(schema_from, schema_to, object_map, field_map)
    with only_salesforce_errors(ErrorCode.MALFORMED_QUERY,
                                "the statement could not be rewritten"):
        if is_sosl(query):
            return _rewrite_sosl(query, renamer)
        # validate first (the translator is the authority on what is a valid statement), so the
        # renamer only ever walks well-formed, resolvable trees; the translator only reads the
        # tree, so one parse serves both
        tree = parse_soql(query)
        Translator(schema_from, _ANY_DAY).translate(tree)
        edits: list[Edit] = []
        renamer.select(tree, None, edits)
        return _apply(query, edits)


def _rewrite_sosl(search: str, renamer: _Renamer) -> str:
    statement = parse_sosl(search)
    _translate_search(search, renamer.schema_from, _ANY_DAY)  # validate
    edits: list[Edit] = []
    for spec in statement.returning or ():
        inner: list[Edit] = []
        try:
            renamer.select(parse_soql(spec.soql), None, inner)
        except SalesforceError as exc:
            raise SalesforceError(ErrorCode.MALFORMED_SEARCH
                                  if exc.error_code == ErrorCode.MALFORMED_QUERY
                                  else exc.error_code, exc.message) from exc
        for start, end, new in inner:
            source = spec.source_offset(start)
            if source is not None:
                edits.append((source, source + end - start, new))
    return _apply(search, edits)
