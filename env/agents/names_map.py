"""Base -> visible name maps that an in-process agent learns from describe observations.

Drift renames API names but keeps labels and key prefixes, which is what a careful human would
use too: objects are matched by key prefix (then label), fields by label, parent relationships
through their reference fields, child relationships through (child object, field).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from entropy import DriftPlan
from env.names import Hit, base_resolver, objects_used, rename_in_text
from sandbox_db.schema import OrgSchema
from sandbox_db.soql import rewrite_soql


@dataclass
class NameMap:
    base: OrgSchema
    objects: dict[str, str] = field(default_factory=dict)              # base -> visible
    fields: dict[str, dict[str, str]] = field(default_factory=dict)    # base obj -> {base: vis}
    relationships: dict[str, dict[str, str]] = field(default_factory=dict)
    children: dict[str, dict[str, str]] = field(default_factory=dict)

    # -- learning --------------------------------------------------------------------------

    def learn_global(self, describe_global: dict[str, Any]) -> None:
        entries = describe_global.get("sobjects", [])
        by_prefix = {e.get("keyPrefix"): e["name"] for e in entries}
        by_label = {str(e.get("label", "")).lower(): e["name"] for e in entries}
        for obj in self.base.objects:
            visible = by_prefix.get(obj.key_prefix) or by_label.get(obj.label.lower())
            if visible:
                self.objects[obj.name] = visible

    def learn_object(self, base_object: str, describe: dict[str, Any]) -> None:
        obj = self.base.get(base_object)
        if obj is None:
            return
        self.objects.setdefault(obj.name, describe.get("name", obj.name))
        by_label = {str(f.get("label", "")).lower(): f for f in describe.get("fields", [])}
        fmap, rmap = {}, {}
        for f in obj.fields:
            vis = by_label.get(f.label.lower())
            if vis is None:
                continue
            fmap[f.name] = vis["name"]
            if f.relationship_name and vis.get("relationshipName"):
                rmap[f.relationship_name] = vis["relationshipName"]
        self.fields[obj.name] = fmap
        self.relationships[obj.name] = rmap
        self._pending_children = getattr(self, "_pending_children", {})
        self._pending_children[obj.name] = describe.get("childRelationships", [])

    def finish(self) -> None:
        """Map child relationships once every needed object's fields are known."""
        for parent, entries in getattr(self, "_pending_children", {}).items():
            obj = self.base.get(parent)
            if obj is None:
                continue
            cmap = {}
            for child in obj.child_relationships:
                vis_child = self.objects.get(child.child_object, child.child_object)
                vis_field = self.fields.get(child.child_object, {}).get(child.field)
                match = [e for e in entries if e.get("childSObject") == vis_child
                         and (vis_field is None or e.get("field") == vis_field)]
                if len(match) == 1:
                    cmap[child.relationship_name] = match[0]["relationshipName"]
            self.children[parent] = cmap

    # -- using -----------------------------------------------------------------------------

    def visible_object(self, base_object: str) -> str:
        return self.objects.get(base_object, base_object)

    def rewrite(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """A reference call (base names) with every name replaced by its visible name."""
        if tool == "describe":
            name = arguments.get("object")
            if not name:
                return dict(arguments)
            obj = self.base.get(name)
            return {"object": self.visible_object(obj.name if obj else name)}
        key = "query" if tool == "soql_query" else "search"
        return {**arguments, key: self.rewrite_text(tool, arguments[key])}

    def renames(self) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """(object renames, field renames) learned so far, base -> visible, changes only."""
        objects = {b: v for b, v in self.objects.items() if b != v}
        fields = {o: r for o, fmap in self.fields.items()
                  if (r := {b: v for b, v in fmap.items() if b != v})}
        return objects, fields

    def rewrite_text(self, tool: str, text: str) -> str:
        """A SOQL/SOSL statement in visible names: sandbox_db.soql.rewrite_soql over the
        schema these renames imply; the tolerant token rewriter when that cannot be used."""
        objects, fields = self.renames()
        if not objects and not fields:
            return text
        try:
            return rewrite_soql(text, self.base, self._visible_schema(objects, fields),
                                objects, fields)
        except Exception:  # noqa: BLE001 - fall back to the name-by-name rewrite below
            hits = base_resolver(self.base).locate(tool, {("query" if tool == "soql_query"
                                                            else "search"): text})
            return rename_in_text(text, hits, self._visible_name)

    def _visible_schema(self, objects: dict[str, str],
                        fields: dict[str, dict[str, str]]) -> OrgSchema:
        """The drifted schema implied by the learned renames (drift keeps types and labels and
        derives relationship names from field names, so the renames determine it)."""
        key = repr((objects, fields))
        if self.__dict__.get("_schema_key") != key:
            plan = DriftPlan(level="high", seed=0, schema_version=self.base.version,
                             object_renames=objects, field_renames=fields)
            self.__dict__["_schema"], _ = plan.apply(self.base)
            self.__dict__["_schema_key"] = key
        return self.__dict__["_schema"]

    def _visible_name(self, hit: Hit) -> str | None:
        ref = hit.ref
        if ref.status != "ok":
            return None
        if ref.kind == "object":
            return self.objects.get(ref.base_object or "", None)
        owner = ref.base_object or ""
        canonical = self._canonical(ref.kind, owner, ref.name, hit.child)
        if ref.kind == "field":
            return self.fields.get(owner, {}).get(canonical)
        table = self.children if hit.child else self.relationships
        return table.get(owner, {}).get(canonical)

    def _canonical(self, kind: str, owner: str, name: str, child: bool) -> str:
        obj = self.base.get(owner)
        if obj is None:
            return name
        if kind == "field":
            f = obj.field(name)
            return f.name if f else name
        if child:
            c = obj.child_relationship(name)
            return c.relationship_name if c else name
        f = obj.field_by_relationship(name)
        return f.relationship_name or name if f else name

    def to_base(self, payload: Any) -> Any:
        """A result in visible names, translated back to base names (records, nested
        relationships, child subqueries, aggregate keys)."""
        reverse_objects = {v: b for b, v in self.objects.items()}
        all_fields: dict[str, str] = {}
        for fmap in self.fields.values():
            for b, v in fmap.items():
                all_fields.setdefault(v, b)

        def record(rec: Any) -> Any:
            if isinstance(rec, list):
                return [record(r) for r in rec]
            if not isinstance(rec, dict):
                return rec
            attrs = rec.get("attributes")
            vis_type = attrs.get("type") if isinstance(attrs, dict) else None
            base_type = reverse_objects.get(vis_type, vis_type) if vis_type else None
            fields = {v: b for b, v in self.fields.get(base_type or "", {}).items()}
            rels = {v: b for b, v in self.relationships.get(base_type or "", {}).items()}
            kids = {v: b for b, v in self.children.get(base_type or "", {}).items()}
            out: dict[str, Any] = {}
            payload: dict[str, Any] = rec  # JSON: keys are strings
            for key, value in payload.items():
                if key == "attributes" and isinstance(value, dict):
                    out[key] = {**value, "type": base_type}
                elif isinstance(value, dict) and "records" in value:
                    out[kids.get(key, key)] = {**value, "records": record(value["records"])}
                elif isinstance(value, dict):
                    out[rels.get(key, key)] = record(value)
                elif vis_type == "AggregateResult" or base_type is None:
                    out[all_fields.get(key, key)] = value
                else:
                    out[fields.get(key, key)] = value
            return out

        if isinstance(payload, dict):
            if "records" in payload:
                return {**payload, "records": record(payload["records"])}
            if "searchRecords" in payload:
                return {**payload, "searchRecords": record(payload["searchRecords"])}
        return payload


def needed_objects(schema: OrgSchema, calls: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Base objects whose names the calls use (what the oracle must describe under drift)."""
    return objects_used(base_resolver(schema), calls)
