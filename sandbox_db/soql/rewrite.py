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
from sandbox_db.soql.context import as_context
from sandbox_db.soql.dialect import SoqlCategoryFilter, SoqlFields, SoqlTypeOf, parse_soql
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
               child_of: SObject | None = None, parent_alias: str | None = None) -> None:
        table = select.args["from_"].this
        path = table.args.get("soql_path") or [table.this]
        if child_of is not None:
            new_name, obj = self.child_relationship_to(child_of, path[-1].name)
            if len(path) == 2 and path[0].name.lower() != (parent_alias or "").lower():
                _edit(edits, path[0], self.object_to(child_of).name)
        else:
            obj = self.schema_from.get(path[-1].name)
            if obj is None:
                raise invalid_type(path[-1].name)
            new_name = self.object_to(obj).name
        _edit(edits, path[-1], new_name)
        alias = table.args.get("alias")
        user_alias = alias.name if alias is not None else None
        aliases: dict[str, SObject] = {}
        for join in select.args.get("soql_joins") or []:  # FROM Contact c, c.Account a
            idents = _identifiers(join.this)
            parent = obj
            for ident in idents[1:]:
                ref = parent.field_by_relationship(ident.name)
                target = self.schema_from.get(ref.reference_to[0]) if ref else None
                if ref is None or target is None:
                    raise invalid_relationship(ident.name, parent.name)
                _edit(edits, ident, self.relationship_to(parent, ref.name))
                parent = target
            aliases[join.args["alias"].name.lower()] = parent
        for key, value in select.args.items():
            if key in ("from_", "soql_joins") or value is None:
                continue
            for node in value if isinstance(value, list) else [value]:
                if isinstance(node, exp.Expression):
                    self.walk(node, obj, user_alias, edits, aliases)

    def walk(self, node: exp.Expression, obj: SObject, user_alias: str | None,
             edits: list[Edit], aliases: dict[str, SObject]) -> None:
        if isinstance(node, (exp.Column, exp.Dot)):
            self.path(node, obj, user_alias, edits, aliases)
            return
        if isinstance(node, exp.Subquery) and isinstance(node.parent, exp.Select):
            self.select(node.this, None, edits, child_of=obj, parent_alias=user_alias)
            return
        if isinstance(node, exp.Select):
            self.select(node, None, edits)  # semi-join
            return
        if isinstance(node, (exp.EQ, exp.NEQ, exp.In)) \
                and self.is_type_path(node.this, obj, user_alias, aliases):
            values = node.expressions if isinstance(node, exp.In) else [node.expression]
            for value in values:  # `What.Type = 'Account'` names an object: it drifts too
                target = self.schema_from.get(value.this) \
                    if isinstance(value, exp.Literal) and value.is_string else None
                if target is not None and "start" in value.meta:
                    edits.append((value.meta["start"], value.meta["end"],
                                  "'" + self.object_to(target).name + "'"))
        if isinstance(node, SoqlTypeOf):
            self.typeof(node, obj, user_alias, edits, aliases)
            return
        if isinstance(node, (SoqlFields, SoqlCategoryFilter, exp.Identifier)):
            return  # category groups and names are org metadata: drift leaves them alone
        if isinstance(node, exp.Alias):
            self.walk(node.this, obj, user_alias, edits, aliases)
            return
        for child in node.iter_expressions():
            self.walk(child, obj, user_alias, edits, aliases)

    def typeof(self, node: SoqlTypeOf, obj: SObject, user_alias: str | None, edits: list[Edit],
               aliases: dict[str, SObject]) -> None:
        """TYPEOF What WHEN Account THEN Phone ...: the relationship, each type and its fields;
        ELSE fields are the Name object's, which drift never renames."""
        idents = _identifiers(node.this)
        obj, idents = self.start(obj, idents, user_alias, edits, aliases)
        for ident in idents:
            ref = obj.field_by_relationship(ident.name)
            if ref is None:
                raise invalid_relationship(ident.name, obj.name)
            _edit(edits, ident, self.relationship_to(obj, ref.name))
            if len(ref.reference_to) > 1:
                break
            obj = self.schema_from.get(ref.reference_to[0]) or obj
        for when in node.expressions:
            target = self.schema_from.get(when.this.name)
            if target is None:
                raise invalid_type(when.this.name)
            _edit(edits, when.this, self.object_to(target).name)
            for f in when.expressions:
                self.path(f, target, None, edits, {})

    def is_type_path(self, node: exp.Expression, obj: SObject, user_alias: str | None,
                     aliases: dict[str, SObject]) -> bool:
        """`What.Type`: the Type of a polymorphic relationship (its values are object names)."""
        idents = _identifiers(node) if isinstance(node, (exp.Column, exp.Dot)) else []
        if len(idents) < 2 or idents[-1].name.lower() != "type":
            return False
        obj, idents = self.start(obj, idents, user_alias, [], aliases)
        for ident in idents[:-2]:
            ref = obj.field_by_relationship(ident.name)
            target = self.schema_from.get(ref.reference_to[0]) if ref else None
            if target is None:
                return False
            obj = target
        ref = obj.field_by_relationship(idents[-2].name) if len(idents) >= 2 else None
        return ref is not None and len(ref.reference_to) > 1

    def start(self, obj: SObject, idents: list[exp.Identifier], user_alias: str | None,
              edits: list[Edit], aliases: dict[str, SObject],
              ) -> tuple[SObject, list[exp.Identifier]]:
        """Where a path starts: its user alias, path alias or object name prefix dropped."""
        if len(idents) > 1:
            head = idents[0].name.lower()
            if user_alias and head == user_alias.lower():
                return obj, idents[1:]
            if head in aliases:
                return aliases[head], idents[1:]
            if head == obj.name.lower() and obj.field_by_relationship(head) is None:
                _edit(edits, idents[0], self.object_to(obj).name)
                return obj, idents[1:]
        return obj, idents

    def path(self, node: exp.Expression, obj: SObject, user_alias: str | None,
             edits: list[Edit], aliases: dict[str, SObject]) -> None:
        idents = _identifiers(node)
        if not idents:
            return
        obj, idents = self.start(obj, idents, user_alias, edits, aliases)
        for ident in idents[:-1]:
            ref = obj.field_by_relationship(ident.name)
            target = self.schema_from.get(ref.reference_to[0]) if ref else None
            if ref is None or target is None:
                raise invalid_relationship(ident.name, obj.name)
            _edit(edits, ident, self.relationship_to(obj, ref.name))
            if len(ref.reference_to) > 1:
                return  # a polymorphic relationship's fields are the Name object's
            obj = target
        f = obj.field(idents[-1].name)
        if f is None:
            if obj.compound(idents[-1].name) is not None:
                return  # compound fields (ShippingAddress) keep their names
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
        Translator(schema_from, _ANY_DAY, query).translate(tree)
        edits: list[Edit] = []
        renamer.select(tree, None, edits)
        return _apply(query, edits)


def _rewrite_sosl(search: str, renamer: _Renamer) -> str:
    statement = parse_sosl(search)
    _translate_search(search, as_context(renamer.schema_from), _ANY_DAY)  # validate
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
