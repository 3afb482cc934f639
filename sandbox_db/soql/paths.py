"""Field paths: one FROM object plus the LEFT JOINs its parent paths need.

`Scope.resolve(['Account', 'Owner', 'Name'])` walks parent relationships from the FROM object,
joining each parent once, and returns the SQL of the field. Polymorphic relationships (a reference
to several objects: `What`, `Who`, `Owner` on Case) lead to Salesforce's `Name` object: only its
fields (Id, Name, Type, Email, ...) can follow them; each comes from whichever target the
reference points at, and `Type` is the target's object name, read from the Id's key prefix.
Compound fields (`ShippingAddress`) resolve to their parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlglot import exp

from sandbox_db.database import quote_ident
from sandbox_db.errors import invalid_field, invalid_relationship
from sandbox_db.schema import FieldType, OrgSchema, SField, SObject
from sandbox_db.soql.context import OrgContext
from sandbox_db.soql.plan import table_marker


class Translator(Protocol):
    """What paths and filters need of translate.Translator (a Protocol, so that they sit below
    it without an import cycle): names, join aliases, bound parameters, conditions."""

    ctx: OrgContext
    schema: OrgSchema
    objects: set[str]

    def new_alias(self) -> str: ...

    def param(self, value: Any) -> str: ...

    def condition(self, node: exp.Expression, scope: Scope,
                  having_groups: dict[str, str] | None = None) -> str: ...

#: The fields of Salesforce's `Name` object (what a polymorphic relationship exposes), by base
#: name: (type, label). `Name` is each target's name field, `Type` its object name.
NAME_OBJECT_FIELDS: dict[str, FieldType] = {
    "Id": FieldType.ID, "Name": FieldType.STRING, "Type": FieldType.PICKLIST,
    "Alias": FieldType.STRING, "Email": FieldType.EMAIL, "FirstName": FieldType.STRING,
    "LastName": FieldType.STRING, "IsActive": FieldType.BOOLEAN, "Phone": FieldType.PHONE,
    "Title": FieldType.STRING, "Username": FieldType.STRING,
}
NAME_OBJECT = "Name"


@dataclass(frozen=True)
class Hop:
    """One parent relationship on the way to a field."""

    name: str  # relationship name, as records nest it ("Account", "What")
    type_name: str  # the parent's object (for a polymorphic parent: the declared first target)
    id_sql: str  # the parent's Id
    type_sql: str | None = None  # a polymorphic parent's object name, per row


@dataclass
class Resolved:
    sql: str
    field: SField
    obj: SObject | None  # the object holding the field (None: the Name object)
    rel_path: tuple[Hop, ...]
    key: str  # canonical path, lower-case, for GROUP BY matching
    compound: dict[str, str] | None = None  # compound field: part -> SQL


def is_polymorphic(ref: SField) -> bool:
    return len(ref.reference_to) > 1


class Scope:
    """The FROM object (its alias, its user alias) and the joins its paths have needed."""

    def __init__(self, tr: Translator, obj: SObject, user_alias: str | None) -> None:
        self.tr = tr
        self.obj = obj
        self.user_alias = user_alias
        self.alias = tr.new_alias()
        self.joins: dict[tuple[str, ...], tuple[str, SObject]] = {}
        self.join_sql: list[str] = []
        #: `FROM Contact c, c.Account a`: alias -> relationship path from the FROM object
        self.path_aliases: dict[str, list[str]] = {}

    def from_sql(self) -> str:
        return " ".join([f"{table_marker(self.obj.name)} AS {self.alias}", *self.join_sql])

    def strip_prefix(self, parts: list[str]) -> list[str]:
        """Drop a leading user alias or object name; expand a path alias."""
        if len(parts) > 1:
            head = parts[0].lower()
            if self.user_alias and head == self.user_alias.lower():
                return parts[1:]
            if head in self.path_aliases:
                return [*self.path_aliases[head], *parts[1:]]
            if head == self.obj.name.lower() and self.obj.field_by_relationship(head) is None:
                return parts[1:]
        return parts

    def _join(self, key: tuple[str, ...], target: SObject, on: str) -> str:
        if key not in self.joins:
            join_alias = self.tr.new_alias()
            self.joins[key] = (join_alias, target)
            self.join_sql.append(f"LEFT JOIN {table_marker(target.name)} AS {join_alias} "
                                 f"ON {on.replace('{a}', join_alias)}")
            self.tr.objects.add(target.name)
        return self.joins[key][0]

    def parent(self, obj: SObject, alias: str, key: tuple[str, ...], rel: str,
               ) -> tuple[SField, SObject, str, tuple[str, ...]]:
        """Follow one non-polymorphic parent relationship: (reference, parent, alias, key)."""
        ref = obj.field_by_relationship(rel)
        target = self.tr.schema.get(ref.reference_to[0]) if ref else None
        if ref is None or target is None or ref.relationship_name is None:
            raise invalid_relationship(rel, obj.name)
        key = key + (ref.relationship_name.lower(),)
        join_alias = self._join(key, target,
                                "{a}.\"Id\" = " + f"{alias}.{quote_ident(ref.name)}")
        return ref, target, join_alias, key

    def resolve(self, parts: list[str], start: tuple[SObject, str, tuple[str, ...]] | None = None,
                ) -> Resolved:
        """The field at the end of `parts` (relationship names, then a field or compound)."""
        key: tuple[str, ...]
        if start is None:
            parts = self.strip_prefix(parts)
            obj, alias, key = self.obj, self.alias, ()
        else:
            obj, alias, key = start
        rel_path: list[Hop] = []
        for i, rel in enumerate(parts[:-1]):
            ref = obj.field_by_relationship(rel)
            if ref is not None and is_polymorphic(ref):
                if i != len(parts) - 2:
                    raise invalid_relationship(parts[i + 1], NAME_OBJECT)
                return self.name_field(alias, key, ref, parts[-1], rel_path)
            ref, obj, alias, key = self.parent(obj, alias, key, rel)
            rel_path.append(Hop(ref.relationship, obj.name, f"{alias}.\"Id\""))
        name = parts[-1]
        f = obj.field(name)
        if f is None:
            compound = obj.compound(name)
            if compound is None:
                raise invalid_field(name, obj.name)
            cname, cparts = compound
            pseudo = SField(name=cname, label=cname, type=FieldType.STRING)
            return Resolved("NULL", pseudo, obj, tuple(rel_path), ".".join([*key, cname.lower()]),
                            {p: f"{alias}.{quote_ident(c.name)}" for p, c in cparts.items()})
        sql = f"{alias}.{quote_ident(f.name)}"
        if f.type == FieldType.BOOLEAN:  # Salesforce checkboxes are never null: null is false
            sql = f"COALESCE({sql}, FALSE)"
        return Resolved(sql, f, obj, tuple(rel_path), ".".join([*key, f.name.lower()]))

    # -- polymorphic relationships ----------------------------------------------------------------

    def targets(self, ref: SField) -> list[SObject]:
        return [t for name in ref.reference_to if (t := self.tr.schema.get(name)) is not None]

    def type_sql(self, ref_sql: str, ref: SField) -> str:
        """The object name of the record `ref_sql` points at, from its Id's key prefix."""
        whens = " ".join(f"WHEN '{t.key_prefix}' THEN '{t.name}'" for t in self.targets(ref))
        return f"(CASE substr({ref_sql}, 1, 3) {whens} END)"

    def polymorphic_hop(self, alias: str, ref: SField) -> Hop:
        ref_sql = f"{alias}.{quote_ident(ref.name)}"
        return Hop(ref.relationship, ref.reference_to[0], ref_sql, self.type_sql(ref_sql, ref))

    def target_alias(self, alias: str, key: tuple[str, ...], ref: SField,
                     target: SObject) -> str:
        """A join to one target of a polymorphic reference (matches only that target's rows)."""
        return self._join(key + (ref.relationship.lower(), target.name.lower()), target,
                          "{a}.\"Id\" = " + f"{alias}.{quote_ident(ref.name)}")

    def name_field(self, alias: str, key: tuple[str, ...], ref: SField, name: str,
                   rel_path: list[Hop]) -> Resolved:
        """`What.Name`: a Name-object field through a polymorphic relationship."""
        canonical = next((n for n in NAME_OBJECT_FIELDS if n.lower() == name.lower()), None)
        if canonical is None:
            raise invalid_field(name, NAME_OBJECT)
        ref_sql = f"{alias}.{quote_ident(ref.name)}"
        hop = self.polymorphic_hop(alias, ref)
        ftype = NAME_OBJECT_FIELDS[canonical]
        if canonical == "Id":
            sql = ref_sql
        elif canonical == "Type":
            sql = hop.type_sql or "NULL"
        else:
            values = []
            for target in self.targets(ref):
                f = target.name_field if canonical == "Name" else \
                    self.tr.ctx.field_by_base_name(target, canonical)
                if f is not None:
                    t_alias = self.target_alias(alias, key, ref, target)
                    values.append(f"{t_alias}.{quote_ident(f.name)}")
            sql = f"COALESCE({', '.join(values)})" if len(values) > 1 else \
                values[0] if values else "NULL"
            if ftype == FieldType.BOOLEAN:
                sql = f"COALESCE({sql}, FALSE)"
        pseudo = SField(name=canonical, label=canonical, type=ftype,
                        picklist_values=tuple(t.name for t in self.targets(ref))
                        if ftype == FieldType.PICKLIST else ())
        return Resolved(sql, pseudo, None, (*rel_path, hop),
                        ".".join([*key, ref.relationship.lower(), canonical.lower()]))

    def relationship(self, parts: list[str]) -> tuple[SObject, str, tuple[str, ...], SField]:
        """The reference field a path to a relationship names (`What`, `c.Owner`, `Account.Owner`):
        (object holding it, its alias, key, reference)."""
        parts = self.strip_prefix(parts)
        key: tuple[str, ...] = ()
        obj, alias = self.obj, self.alias
        for rel in parts[:-1]:
            _, obj, alias, key = self.parent(obj, alias, key, rel)
        ref = obj.field_by_relationship(parts[-1])
        if ref is None:
            raise invalid_relationship(parts[-1], obj.name)
        return obj, alias, key, ref
