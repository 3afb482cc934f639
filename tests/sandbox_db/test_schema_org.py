"""The schema files validate and the built org's DuckDB tables match them exactly."""

from __future__ import annotations

import duckdb
import pytest

from data.org.store import build_org
from sandbox_db.schema import ORG_TYPES, FieldType, load_schema

#: Objects issue 3 requires, with the key prefixes a real org uses.
REQUIRED_PREFIXES = {
    "Account": "001", "Contact": "003", "Lead": "00Q", "Opportunity": "006", "Case": "500",
    "User": "005", "Product2": "01t", "Knowledge__kav": "ka0", "OpportunityLineItem": "00k",
    "Contract": "800", "Quote": "0Q0", "QuoteLineItem": "0QL", "Order": "801", "OrderItem": "802",
    "Pricebook2": "01s", "PricebookEntry": "01u", "CaseHistory__c": None, "Issue__c": None,
    "EmailMessage": "02s", "LiveChatTranscript": "570", "VoiceCallTranscript__c": None,
    "Task": "00T", "Event": "00U", "Territory2": "0MI", "UserTerritory2Association": "0R0",
}


@pytest.mark.parametrize("org", ORG_TYPES)
def test_schema_files_validate_with_required_objects(org: str) -> None:
    schema = load_schema(org)
    for name, prefix in REQUIRED_PREFIXES.items():
        obj = schema.get(name)
        assert obj is not None, name
        assert prefix is None or obj.key_prefix == prefix, name
    prefixes = [o.key_prefix for o in schema.objects]
    assert len(set(prefixes)) == len(prefixes)
    case = schema.get("Case")
    assert case.field("AccountId").reference_to == ("Account",)
    assert case.field("AccountId").relationship_name == "Account"
    assert schema.get("Account").child_relationship("Cases").child_object == "Case"


@pytest.mark.parametrize("org", ORG_TYPES)
def test_duckdb_tables_match_the_schema_exactly(org: str) -> None:
    schema = load_schema(org)
    info = build_org(org)
    con = duckdb.connect(str(info.path), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "ORDER BY table_name").fetchall()]
        assert tables == sorted(schema.object_names)
        for obj in schema.objects:
            cols = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
                [obj.name]).fetchall()
            assert cols == [(f.name, f.duckdb_type) for f in obj.fields], obj.name
        views = con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_type = 'VIEW'").fetchone()[0]
        assert views == 0
    finally:
        con.close()


def test_every_field_type_maps_to_a_duckdb_type() -> None:
    used = {f.type for org in ORG_TYPES for o in load_schema(org).objects for f in o.fields}
    assert FieldType.REFERENCE in used and FieldType.DATETIME in used
    assert all(f.duckdb_type for org in ORG_TYPES for o in load_schema(org).objects
               for f in o.fields)
