"""The sample org the entropy tests run on (tests/helpers/entropy_org.py) is sound."""

from __future__ import annotations

from entropy.sample_org import sample_org
from sandbox_db.ids import is_valid_id
from sandbox_db.schema import FieldType, load_schema


def test_sample_org_is_referentially_intact() -> None:
    for org in ("b2b", "b2c"):
        schema = load_schema(org)  # type: ignore[arg-type]
        data = sample_org(schema, 7)
        ids = {o.name: {r["Id"] for r in data[o.name]} for o in schema.objects}
        for o in schema.objects:
            assert data[o.name], o.name
            for r in data[o.name]:
                assert is_valid_id(r["Id"]) and r["Id"].startswith(o.key_prefix)
                for f in o.fields:
                    if f.type == FieldType.REFERENCE and r.get(f.name):
                        assert r[f.name] in ids[f.reference_to[0]], (o.name, f.name)


def test_sample_org_is_deterministic() -> None:
    schema = load_schema("b2b")
    assert sample_org(schema, 3) == sample_org(schema, 3)
    assert sample_org(schema, 3) != sample_org(schema, 4)
