"""What a statement is translated against: the episode's visible schema and the base schema it
drifted from.

Statements name objects and fields as the agent sees them (the visible, possibly drifted schema),
but some of the org's meaning is defined once, in base names: which field is a record's owner
(`USING SCOPE mine`), the territory and team objects (`my_territory`, `team`), the data category
selections (`WITH DATA CATEGORY`), list view conditions and the fields of the polymorphic `Name`
object. `OrgContext` maps between the two so those features work under any drift.

The running user is not part of a translation (plans are shared between episodes): a plan binds
the `RUNNING_USER` marker, which execution replaces with the view's running user Id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.bounded_cache import BoundedCache
from sandbox_db.schema import OrgSchema, SField, SObject

if TYPE_CHECKING:
    from sandbox_db.database import OrgView

BaseNames = dict[str, tuple[str, dict[str, str]]]


def identity_base_names(schema: OrgSchema) -> BaseNames:
    """Every object and field named as itself: the base names of an undrifted view."""
    return {o.name: (o.name, {f.name: f.name for f in o.fields}) for o in schema.objects}


class _RunningUser:
    """Plan parameter marker: bound to the running user's Id when the plan runs."""

    def __repr__(self) -> str:
        return "RUNNING_USER"


RUNNING_USER = _RunningUser()


@dataclass(frozen=True)
class OrgContext:
    visible: OrgSchema
    base: OrgSchema
    #: visible object -> (base object, {visible field: base field})
    base_names: BaseNames = field(repr=False)
    #: base object -> (visible object, {base field: visible field})
    _visible_names: BaseNames = field(repr=False, compare=False)

    @classmethod
    def build(cls, visible: OrgSchema, base: OrgSchema | None = None,
              base_names: BaseNames | None = None) -> OrgContext:
        base = base or visible
        if base_names is None:
            base_names = identity_base_names(visible)
        inverse = {b: (v, {bf: vf for vf, bf in fields.items()})
                   for v, (b, fields) in base_names.items()}
        return cls(visible, base, base_names, inverse)

    @property
    def version(self) -> str:
        return self.visible.version

    def visible_object(self, base_object: str) -> SObject | None:
        entry = self._visible_names.get(base_object)
        return self.visible.get(entry[0]) if entry else None

    def visible_field(self, base_object: str, base_field: str) -> SField | None:
        entry = self._visible_names.get(base_object)
        if entry is None or base_field not in entry[1]:
            return None
        obj = self.visible.get(entry[0])
        return obj.field(entry[1][base_field]) if obj else None

    def base_object(self, visible: SObject) -> SObject | None:
        entry = self.base_names.get(visible.name)
        return self.base.get(entry[0]) if entry else None

    def base_field_name(self, visible: SObject, field_name: str) -> str | None:
        entry = self.base_names.get(visible.name)
        return entry[1].get(field_name) if entry else None

    def field_by_base_name(self, visible: SObject, base_field: str) -> SField | None:
        """The visible field of `visible` whose base name is `base_field`."""
        entry = self.base_names.get(visible.name)
        if entry is None:
            return None
        return next((visible.field(v) for v, b in entry[1].items() if b == base_field), None)


_CACHE: BoundedCache[tuple[str, str], OrgContext] = BoundedCache(512)


def context_of(view: OrgView) -> OrgContext:
    """The view's context (cached: a visible schema version fixes its base names)."""
    return _CACHE.get_or_build((view.schema.version, view.db.schema.version),
                               lambda: OrgContext.build(view.schema, view.db.schema,
                                                        view.base_names))


def as_context(schema_or_context: OrgSchema | OrgContext) -> OrgContext:
    if isinstance(schema_or_context, OrgContext):
        return schema_or_context
    return OrgContext.build(schema_or_context)
