"""Schema drift: a seeded plan of API-name renames, applied as a new agent-visible OrgSchema.

The plan only renames; it never changes a type, a label or a row. `DriftPlan.apply` returns the
drifted schema (built through `sandbox_db.schema.build_schema`, so describe, the SOQL translator,
SOSL and REPL completion all read the same names) and the `base_names` map that
`sandbox_db.database.open_view` turns into per-episode DuckDB views.

Which fields are renamed is decided by a stable per-field rank (SHA-256 of schema version, seed,
object, field), so for one seed the fields renamed at low are also renamed at medium and high, and
each field keeps the same new name at every level: more drift is strictly more renames.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.bounded_cache import BoundedCache
from entropy.levels import (
    DRIFT_SHARE,
    OBJECT_RENAME_SHARE,
    DriftLevel,
    check_level,
    rank_key,
    seeded_rng,
    share_count,
)
from entropy.names import new_field_name, new_object_name, relationship_for
from sandbox_db.schema import FieldType, OrgSchema, SObject, build_schema

# identity_base_names is re-exported: the undrifted plan's base names.
from sandbox_db.soql.context import BaseNames
from sandbox_db.soql.context import identity_base_names as identity_base_names


class DriftPlan(BaseModel):
    """Renames from base API names to the names one episode's agent sees."""

    model_config = ConfigDict(frozen=True)

    level: DriftLevel
    seed: int
    schema_version: str
    object_renames: dict[str, str] = Field(default_factory=dict)
    field_renames: dict[str, dict[str, str]] = Field(default_factory=dict)

    @property
    def is_identity(self) -> bool:
        return not self.object_renames and not any(self.field_renames.values())

    def visible_object(self, base_object: str) -> str:
        return self.object_renames.get(base_object, base_object)

    def visible_field(self, base_object: str, base_field: str) -> str:
        return self.field_renames.get(base_object, {}).get(base_field, base_field)

    def renamed_field_count(self) -> int:
        return sum(len(v) for v in self.field_renames.values())

    def apply(self, schema: OrgSchema) -> tuple[OrgSchema, BaseNames]:
        """(drifted visible schema, base_names for open_view). Cached: schemas are immutable."""
        if schema.version != self.schema_version:
            raise ValueError(f"drift plan was made for schema {self.schema_version}, "
                             f"not {schema.version} ({schema.org})")
        return _APPLY_CACHE.get_or_build((schema.version, self.model_dump_json()),
                                         lambda: _apply(self, schema))


_APPLY_CACHE: BoundedCache[tuple[str, str], tuple[OrgSchema, BaseNames]] = BoundedCache(256)


def _raw_field(f: Any) -> dict[str, Any]:
    return {"type": f.type.value, "label": f.label, "description": f.description,
            "to": list(f.reference_to), "relationship": f.relationship_name,
            "child": f.child_relationship_name, "values": list(f.picklist_values),
            "name_field": f.name_field, "compound": f.compound, "compound_part": f.compound_part}


def _apply(plan: DriftPlan, schema: OrgSchema) -> tuple[OrgSchema, BaseNames]:
    if plan.is_identity:
        return schema, identity_base_names(schema)
    obj_name = plan.visible_object
    # Child relationship names already claimed on each parent (base names, lower-case), so a
    # renamed reference's new child relationship never shadows another one.
    claimed: dict[str, set[str]] = {}
    for o in schema.objects:
        for c in o.child_relationships:
            claimed.setdefault(o.name, set()).add(c.relationship_name.lower())
    raw: dict[str, dict[str, Any]] = {}
    base_names: BaseNames = {}
    for o in schema.objects:
        renames = plan.field_renames.get(o.name, {})
        fields: dict[str, dict[str, Any]] = {}
        field_map: dict[str, str] = {}
        for f in o.fields:
            spec = _raw_field(f)
            new = renames.get(f.name, f.name)
            spec["to"] = [obj_name(t) for t in f.reference_to]
            if f.type == FieldType.REFERENCE and new != f.name:
                spec["relationship"] = relationship_for(new)
                if f.child_relationship_name:
                    spec["child"] = _custom_child_name(f.child_relationship_name,
                                                       f.reference_to, claimed)
            fields[new] = spec
            field_map[new] = f.name
        visible = obj_name(o.name)
        raw[visible] = {"label": o.label, "key_prefix": o.key_prefix, "fields": fields,
                        "scopes": list(o.scopes)}
        base_names[visible] = (o.name, field_map)
    like = {visible: base for visible, (name, _) in base_names.items()
            if (base := schema.get(name)) is not None}
    return build_schema(schema.org, raw, like=like), base_names


def _custom_child_name(child: str, parents: Iterable[str], claimed: dict[str, set[str]]) -> str:
    """`Cases` -> `Cases__r` (a custom lookup's child relationship), unique on every parent."""
    stem = child.removesuffix("__r")
    candidate, n = f"{stem}__r", 2
    while any(candidate.lower() in claimed.get(p, set()) for p in parents):
        candidate, n = f"{stem}{n}__r", n + 1
    for p in parents:
        claimed.setdefault(p, set()).add(candidate.lower())
    return candidate


def _resolve_must(schema: OrgSchema,
                  must_rename: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Canonical (object, field) names; Id fields are skipped (an Id is never renamed)."""
    out: set[tuple[str, str]] = set()
    for obj_name, field_name in must_rename:
        obj = schema.get(obj_name)
        if obj is None:
            raise ValueError(f"must_rename: unknown object {obj_name!r} in org {schema.org}")
        f = obj.field(field_name)
        if f is None:
            raise ValueError(f"must_rename: unknown field {obj_name}.{field_name}")
        if f.type != FieldType.ID:
            out.add((obj.name, f.name))
    return out


def _field_renames(obj: SObject, share: float, seed: int, version: str,
                   must: set[tuple[str, str]]) -> dict[str, str]:
    renamable = [f for f in obj.fields if f.type != FieldType.ID]
    ranked = sorted(renamable,
                    key=lambda f: rank_key("drift-field", version, seed, obj.name, f.name))
    forced = [f for f in ranked if (obj.name, f.name) in must]
    rest = [f for f in ranked if (obj.name, f.name) not in must]
    chosen = forced + rest[:max(0, share_count(share, len(renamable)) - len(forced))]
    taken = {f.name.lower() for f in obj.fields}
    renames: dict[str, str] = {}
    for f in chosen:
        rng = seeded_rng("drift-name", version, seed, obj.name, f.name)
        new = new_field_name(obj, f, taken, rng)
        taken.add(new.lower())
        renames[f.name] = new
    return {f.name: renames[f.name] for f in obj.fields if f.name in renames}


_PLAN_CACHE: BoundedCache[tuple[str, str, int, tuple[tuple[str, str], ...]], DriftPlan] = \
    BoundedCache(2048)


def plan_drift(schema: OrgSchema, level: DriftLevel, seed: int,
               must_rename: Iterable[tuple[str, str]] = ()) -> DriftPlan:
    """Which API names this episode's agent sees instead of the base ones.

    low/medium/high rename ~10/30/50% of the non-Id fields of every object (at least one per
    object), always including `must_rename` (the fields the task's reference solution reads) at
    low and above; high also replaces ~25% of the objects' API names with custom-style ones.
    """
    check_level(level)
    must = _resolve_must(schema, must_rename)
    version = schema.version
    return _PLAN_CACHE.get_or_build((version, level, seed, tuple(sorted(must))),
                                    lambda: _plan(schema, level, seed, must))


def _plan(schema: OrgSchema, level: str, seed: int, must: set[tuple[str, str]]) -> DriftPlan:
    version = schema.version
    if level == "none":
        return DriftPlan(level=level, seed=seed, schema_version=version)
    share = DRIFT_SHARE[level]
    field_renames = {o.name: r for o in schema.objects
                     if (r := _field_renames(o, share, seed, version, must))}
    object_renames: dict[str, str] = {}
    k = share_count(OBJECT_RENAME_SHARE[level], len(schema.objects))
    if k:
        ranked = sorted(schema.objects,
                        key=lambda o: rank_key("drift-object", version, seed, o.name))
        taken = {o.name.lower() for o in schema.objects}
        for o in ranked[:k]:
            new = new_object_name(o, taken, seeded_rng("drift-object-name", version, seed, o.name))
            taken.add(new.lower())
            object_renames[o.name] = new
        object_renames = {o.name: object_renames[o.name] for o in schema.objects
                          if o.name in object_renames}
    return DriftPlan(level=level, seed=seed, schema_version=version,
                     object_renames=object_renames, field_renames=field_renames)
