"""The org's metadata: objects, fields, relationships, and Salesforce-shaped describe output.

One source of truth: the YAML files in schemas/ are validated into these models, and everything
else (table creation, the SOQL translator's name checks, drift plans, REPL completion, describe)
reads them from here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, model_validator
from pydantic import Field as PydField

# OrgType and ORG_TYPES live in core.org_type (tasks and configs use them too); re-exported.
from core.org_type import ORG_TYPES as ORG_TYPES
from core.org_type import OrgType as OrgType
from schemas import SCHEMA_DIR


class FieldType(StrEnum):
    """Salesforce field types (the `type` of a describe field)."""

    ID = "id"
    REFERENCE = "reference"
    STRING = "string"
    TEXTAREA = "textarea"
    PICKLIST = "picklist"
    MULTIPICKLIST = "multipicklist"
    BOOLEAN = "boolean"
    INT = "int"
    DOUBLE = "double"
    CURRENCY = "currency"
    PERCENT = "percent"
    DATE = "date"
    DATETIME = "datetime"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"


#: DuckDB column type for each field type.
DUCKDB_TYPES: dict[FieldType, str] = {
    FieldType.ID: "VARCHAR",
    FieldType.REFERENCE: "VARCHAR",
    FieldType.STRING: "VARCHAR",
    FieldType.TEXTAREA: "VARCHAR",
    FieldType.PICKLIST: "VARCHAR",
    FieldType.MULTIPICKLIST: "VARCHAR",
    FieldType.BOOLEAN: "BOOLEAN",
    FieldType.INT: "BIGINT",
    FieldType.DOUBLE: "DOUBLE",
    FieldType.CURRENCY: "DOUBLE",
    FieldType.PERCENT: "DOUBLE",
    FieldType.DATE: "DATE",
    FieldType.DATETIME: "TIMESTAMP",
    FieldType.EMAIL: "VARCHAR",
    FieldType.PHONE: "VARCHAR",
    FieldType.URL: "VARCHAR",
}

#: Parts of compound fields: an address (`ShippingAddress`) or a geolocation (`Location__c`).
COMPOUND_PARTS = ("street", "city", "state", "postalCode", "country", "latitude", "longitude")
#: USING SCOPE values and their describe labels (`{}` is the object's plural label).
SCOPE_LABELS = {"everything": "All {}", "mine": "My {}", "team": "My team's {}",
                "my_territory": "My territories' {}", "delegated": "Delegated {}"}

TEXT_TYPES = frozenset(
    {FieldType.STRING, FieldType.TEXTAREA, FieldType.PICKLIST, FieldType.MULTIPICKLIST,
     FieldType.EMAIL, FieldType.PHONE, FieldType.URL}
)
NUMERIC_TYPES = frozenset({FieldType.INT, FieldType.DOUBLE, FieldType.CURRENCY, FieldType.PERCENT})


def default_label(api_name: str) -> str:
    """'NumberOfEmployees' -> 'Number Of Employees'; 'Body__c' -> 'Body'."""
    base = api_name.removesuffix("__c").replace("_", " ")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", base).strip()


class SField(BaseModel):
    """One field of an sObject, as describe reports it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    label: str
    type: FieldType
    description: str = ""
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    child_relationship_name: str | None = None
    picklist_values: tuple[str, ...] = ()
    name_field: bool = False
    #: Part of a compound field (`ShippingAddress`): the compound's name and this field's part
    #: of it (`city`, `state`, `latitude`, `longitude`, ...). Compound fields have no column.
    compound: str | None = None
    compound_part: str | None = None

    @property
    def custom(self) -> bool:
        return self.name.endswith("__c")

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]

    @property
    def relationship(self) -> str:
        """The relationship name of a reference field (validated present on every reference)."""
        if self.relationship_name is None:
            raise ValueError(f"{self.name} is not a reference field")
        return self.relationship_name

    @model_validator(mode="after")
    def _check(self) -> SField:
        if self.type == FieldType.REFERENCE:
            if not self.reference_to or not self.relationship_name:
                raise ValueError(f"reference field {self.name} needs 'to' and 'relationship'")
        elif self.reference_to or self.relationship_name or self.child_relationship_name:
            raise ValueError(f"non-reference field {self.name} has reference attributes")
        if self.type in (FieldType.PICKLIST, FieldType.MULTIPICKLIST) and not self.picklist_values:
            raise ValueError(f"picklist field {self.name} needs values")
        if (self.compound is None) != (self.compound_part not in COMPOUND_PARTS):
            raise ValueError(f"field {self.name}: compound needs a part, one of "
                             f"{', '.join(COMPOUND_PARTS)}")
        return self

    def describe(self) -> dict[str, Any]:
        """Salesforce REST describe shape of this field."""
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type.value,
            "custom": self.custom,
            "nillable": self.type not in (FieldType.ID, FieldType.BOOLEAN),
            "filterable": self.type != FieldType.TEXTAREA,
            "groupable": self.type not in (FieldType.TEXTAREA, FieldType.DOUBLE, FieldType.CURRENCY,
                                           FieldType.PERCENT, FieldType.DATETIME),
            "sortable": self.type != FieldType.TEXTAREA,
            "nameField": self.name_field,
            "referenceTo": list(self.reference_to),
            "relationshipName": self.relationship_name,
            "picklistValues": [
                {"value": v, "label": v, "active": True, "defaultValue": False}
                for v in self.picklist_values
            ],
            "inlineHelpText": self.description or None,
            "compoundFieldName": self.compound,
        }


class ChildRelationship(BaseModel):
    """A child relationship on a parent object, e.g. Account.Cases -> Case.AccountId."""

    model_config = ConfigDict(frozen=True)

    relationship_name: str
    child_object: str
    field: str

    def describe(self) -> dict[str, Any]:
        return {"childSObject": self.child_object, "field": self.field,
                "relationshipName": self.relationship_name}


class SObject(BaseModel):
    """One Salesforce object (a DuckDB table of the same name)."""

    model_config = ConfigDict(frozen=True)

    name: str
    label: str
    key_prefix: str = PydField(min_length=3, max_length=3)
    fields: tuple[SField, ...]
    child_relationships: tuple[ChildRelationship, ...] = ()
    #: USING SCOPE values this object supports (describe's supportedScopes).
    scopes: tuple[str, ...] = ("everything",)

    @property
    def custom(self) -> bool:
        return self.name.endswith("__c") or self.name.endswith("__kav")

    @property
    def label_plural(self) -> str:
        return self.label + ("es" if self.label.endswith(("s", "sh", "ch", "x")) else "s")

    def field(self, name: str) -> SField | None:
        """Case-insensitive lookup by API name (SOQL names are case-insensitive)."""
        return self._by_lower().get(name.lower())

    def field_by_relationship(self, relationship: str) -> SField | None:
        """The reference field whose parent relationship name is `relationship`."""
        rel = relationship.lower()
        for f in self.fields:
            if f.relationship_name and f.relationship_name.lower() == rel:
                return f
        return None

    def child_relationship(self, name: str) -> ChildRelationship | None:
        low = name.lower()
        return next((c for c in self.child_relationships
                     if c.relationship_name.lower() == low), None)

    @property
    def name_field(self) -> SField | None:
        return next((f for f in self.fields if f.name_field), None)

    @property
    def compounds(self) -> dict[str, dict[str, SField]]:
        """Compound fields: {name: {part: component field}} (`ShippingAddress`: city, ...)."""
        cached = self.__dict__.get("_compounds")
        if cached is None:
            cached = {}
            for f in self.fields:
                if f.compound:
                    cached.setdefault(f.compound, {})[f.compound_part] = f
            object.__setattr__(self, "_compounds", cached)
        return cached

    def compound(self, name: str) -> tuple[str, dict[str, SField]] | None:
        """(exact name, parts) of the compound field called `name` (case-insensitive)."""
        low = name.lower()
        return next(((n, parts) for n, parts in self.compounds.items() if n.lower() == low), None)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def _by_lower(self) -> dict[str, SField]:
        cached = self.__dict__.get("_field_index")
        if cached is None:
            cached = {f.name.lower(): f for f in self.fields}
            object.__setattr__(self, "_field_index", cached)  # frozen model: private cache
        return cached

    def describe(self) -> dict[str, Any]:
        """Salesforce REST `sobjects/{name}/describe` shape."""
        return {
            "name": self.name,
            "label": self.label,
            "labelPlural": self.label_plural,
            "keyPrefix": self.key_prefix,
            "custom": self.custom,
            "queryable": True,
            "searchable": any(f.type in TEXT_TYPES for f in self.fields),
            "fields": [f.describe() for f in self.fields] + [
                _compound_describe(name, parts) for name, parts in self.compounds.items()],
            "childRelationships": [c.describe() for c in self.child_relationships],
            "supportedScopes": [{"name": s, "label": SCOPE_LABELS[s].format(self.label_plural)}
                                for s in self.scopes],
        }

    def describe_global_entry(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "labelPlural": self.label_plural,
                "keyPrefix": self.key_prefix, "custom": self.custom, "queryable": True}


def compound_type(parts: dict[str, SField]) -> str:
    """`address` when the compound has address parts, else `location` (a geolocation)."""
    return "location" if set(parts) <= {"latitude", "longitude"} else "address"


def _compound_describe(name: str, parts: dict[str, SField]) -> dict[str, Any]:
    kind = compound_type(parts)
    label = next(iter(parts.values())).label.rsplit(" ", 1)[0] + (
        " Address" if kind == "address" else "")
    return {"name": name, "label": label, "type": kind, "custom": name.endswith("__c"),
            "nillable": True, "filterable": False, "groupable": False, "sortable": False,
            "nameField": False, "referenceTo": [], "relationshipName": None,
            "picklistValues": [], "inlineHelpText": None, "compoundFieldName": None}


class DataCategoryGroup(BaseModel):
    """A data category group (`Product`) and its category tree, for WITH DATA CATEGORY."""

    model_config = ConfigDict(frozen=True)

    name: str
    label: str
    objects: tuple[str, ...]
    #: category -> its parent (None for the root, `All`)
    parents: dict[str, str | None]

    def ancestors(self, category: str) -> list[str]:
        out, node = [], self.parents.get(category)
        while node is not None:
            out.append(node)
            node = self.parents.get(node)
        return out

    def descendants(self, category: str) -> list[str]:
        return [c for c in self.parents if category in self.ancestors(c)]


class ListViewDef(BaseModel):
    """A list view: an object's records that match a scope and a SOQL condition."""

    model_config = ConfigDict(frozen=True)

    object: str
    developer_name: str
    label: str
    scope: str = "everything"
    where: str = ""


class OrgSchema(BaseModel):
    """All objects of one org. Immutable; drift produces a new OrgSchema with renamed names."""

    model_config = ConfigDict(frozen=True)

    org: OrgType
    objects: tuple[SObject, ...]
    #: Org metadata in base names (drifted schemas leave these empty; see soql.context).
    data_category_groups: tuple[DataCategoryGroup, ...] = ()
    list_views: tuple[ListViewDef, ...] = ()

    def get(self, name: str) -> SObject | None:
        """Case-insensitive object lookup by API name."""
        index = self.__dict__.get("_object_index")
        if index is None:
            index = {o.name.lower(): o for o in self.objects}
            object.__setattr__(self, "_object_index", index)
        return index.get(name.lower())

    @property
    def object_names(self) -> list[str]:
        return [o.name for o in self.objects]

    @property
    def version(self) -> str:
        """Content hash: changes whenever any name, type or relationship changes."""
        cached = self.__dict__.get("_version")
        if cached is None:
            blob = json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()
            cached = hashlib.sha256(blob).hexdigest()[:12]
            object.__setattr__(self, "_version", cached)
        return cached

    def by_key_prefix(self, prefix: str) -> SObject | None:
        return next((o for o in self.objects if o.key_prefix == prefix), None)

    def describe_global(self) -> dict[str, Any]:
        """Salesforce REST `sobjects` (describeGlobal) shape."""
        return {"encoding": "UTF-8", "maxBatchSize": 200,
                "sobjects": [o.describe_global_entry() for o in self.objects]}

    @model_validator(mode="after")
    def _check_references(self) -> OrgSchema:
        names = {o.name for o in self.objects}
        for o in self.objects:
            labels = [f.label.lower() for f in o.fields]
            if len(set(labels)) != len(labels):
                raise ValueError(f"{o.name}: field labels must be unique")
            for f in o.fields:
                missing = [t for t in f.reference_to if t not in names]
                if missing:
                    raise ValueError(f"{o.name}.{f.name} references unknown {missing}")
        return self


def _parse_object(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    fields = []
    for fname, f in spec["fields"].items():
        fields.append({
            "name": fname,
            "label": f.get("label", default_label(fname)),
            "type": f["type"],
            "description": f.get("description", ""),
            "reference_to": tuple(f.get("to", ())),
            "relationship_name": f.get("relationship"),
            "child_relationship_name": f.get("child"),
            "picklist_values": tuple(f.get("values", ())),
            "name_field": f.get("name_field", False),
            "compound": f.get("compound"),
            "compound_part": f.get("compound_part"),
        })
    scopes = spec.get("scopes")
    if scopes is None:  # a drifted copy passes its base object's scopes through unchanged
        scopes = ["everything", *(["mine"] if "OwnerId" in spec["fields"] else []),
                  *spec.get("extra_scopes", ())]
    unknown = [s for s in scopes if s not in SCOPE_LABELS]
    if unknown:
        raise ValueError(f"{name}: unknown scopes {unknown}")
    return {"name": name, "label": spec.get("label", default_label(name)),
            "key_prefix": str(spec["key_prefix"]), "fields": fields, "scopes": tuple(scopes)}


def build_schema(org: OrgType, objects: dict[str, dict[str, Any]],
                 metadata: dict[str, Any] | None = None, *,
                 like: Mapping[str, SObject] | None = None) -> OrgSchema:
    """Validate raw object specs and derive child relationships from reference fields;
    `metadata` holds the org's data category groups and list views (base names).

    `like` maps an object's name to an existing object: its fields and child relationships
    that equal the new ones are used as they are (they are immutable). A drifted copy of a
    schema so shares every field drift leaves alone, and the drift plans of many episodes cost
    memory for their renames only."""
    parsed = [_parse_object(n, s) for n, s in objects.items()]
    children: dict[str, list[dict[str, str]]] = {p["name"]: [] for p in parsed}
    for p in parsed:
        for f in p["fields"]:
            if f["child_relationship_name"]:
                for target in f["reference_to"]:
                    children.setdefault(target, []).append({
                        "relationship_name": f["child_relationship_name"],
                        "child_object": p["name"], "field": f["name"]})
    for p in parsed:
        rels = children.get(p["name"], [])
        seen: set[str] = set()
        unique = []
        for r in rels:  # several children may claim one name (Cases__r); keep the first
            if r["relationship_name"].lower() not in seen:
                seen.add(r["relationship_name"].lower())
                unique.append(r)
        p["child_relationships"] = unique
    if like is not None:
        parsed = [_reuse_parts(p, like.get(p["name"])) for p in parsed]
    metadata = metadata or {}
    return OrgSchema(org=org, objects=parsed,
                     data_category_groups=_category_groups(metadata.get("data_category_groups")),
                     list_views=tuple(
                         ListViewDef(object=obj, developer_name=name, **spec)
                         for obj, views in (metadata.get("list_views") or {}).items()
                         for name, spec in views.items()))


def _reuse_parts(spec: dict[str, Any], base: SObject | None) -> dict[str, Any]:
    """`spec` with `base`'s fields and child relationships where they are equal."""
    if base is not None:
        fields = {f.name: f for f in base.fields}
        children = {c.relationship_name: c for c in base.child_relationships}
        spec["fields"] = [_same(fields.get(f["name"]), f) for f in spec["fields"]]
        spec["child_relationships"] = [_same(children.get(c["relationship_name"]), c)
                                       for c in spec["child_relationships"]]
    return spec


_Model = TypeVar("_Model", bound=BaseModel)


def _same(model: _Model | None, spec: dict[str, Any]) -> _Model | dict[str, Any]:
    """`model` when each of `spec`'s values equals its attribute of that name, else `spec`."""
    if model is not None and all(getattr(model, k) == v for k, v in spec.items()):
        return model
    return spec


def _category_groups(raw: dict[str, Any] | None) -> tuple[DataCategoryGroup, ...]:
    groups = []
    for name, spec in (raw or {}).items():
        parents: dict[str, str | None] = {}
        _walk_categories(name, spec["categories"], None, parents)
        groups.append(DataCategoryGroup(name=name, label=spec.get("label", name),
                                        objects=tuple(spec["objects"]), parents=parents))
    return tuple(groups)


def _walk_categories(group: str, tree: dict[str, Any] | None, parent: str | None,
                     parents: dict[str, str | None]) -> None:
    """category -> parent for every category of a nested {category: {child: ...}} tree."""
    for category, children in (tree or {}).items():
        if category in parents:
            raise ValueError(f"data category group {group}: duplicate {category}")
        parents[category] = parent
        _walk_categories(group, children, category, parents)


def _read_yaml(path: Path) -> Any:
    """A safe load on libyaml's parser when PyYAML has it (a tenth of the pure-Python time,
    which every process that opens an org paid: 0.2 s), else on the pure-Python one."""
    return yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def load_schema(org: OrgType) -> OrgSchema:
    """The base schema of `org`: schemas/objects.yaml overlaid with schemas/{org}.yaml."""
    if org not in ORG_TYPES:
        raise ValueError(f"unknown org {org!r}; expected one of {', '.join(ORG_TYPES)}")
    shared_file = _read_yaml(SCHEMA_DIR / "objects.yaml")
    shared = shared_file["objects"]
    own = _read_yaml(SCHEMA_DIR / f"{org}.yaml")["objects"]
    merged = {**shared, **own}
    order = ["User", "Account", *[n for n in merged if n not in ("User", "Account")]]
    metadata = {k: shared_file.get(k) for k in ("data_category_groups", "list_views")}
    return build_schema(org, {n: merged[n] for n in order}, metadata)
