"""The playground's completer on prompt_toolkit Documents, over the base and a drifted schema."""

from __future__ import annotations

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from entropy import plan_drift
from playground.completion import SoqlCompleter
from sandbox_db.schema import FieldType, OrgSchema, load_schema


def candidates(completer: SoqlCompleter, text: str, cursor_after: str | None = None) -> list[str]:
    """Completion texts with the cursor at the end, or right after `cursor_after` in `text`."""
    cursor = len(text) if cursor_after is None else text.index(cursor_after) + len(cursor_after)
    event = CompleteEvent(completion_requested=True)
    return [c.text for c in completer.get_completions(Document(text, cursor), event)]


@pytest.fixture(scope="module")
def base() -> OrgSchema:
    return load_schema("b2b")


@pytest.fixture(scope="module")
def drifted(base: OrgSchema) -> OrgSchema:
    plan = plan_drift(base, "medium", 0)
    assert plan.field_renames, "medium drift renames fields"
    return plan.apply(base)[0]


def test_fields_of_the_from_object_even_when_from_comes_after_the_cursor(base: OrgSchema) -> None:
    completer = SoqlCompleter(lambda: base)
    account = base.get("Account")
    assert account is not None
    expected = [f.name for f in account.fields if f.name.lower().startswith("na")]
    assert candidates(completer, "SELECT Na FROM Account", "SELECT Na") == expected
    assert candidates(completer, "SELECT Id FROM Account ORDER BY Na") == expected
    # Without a FROM there is no object in scope: no Account field is offered.
    assert "Name" not in candidates(completer, "SELECT Na")


def test_relationship_paths_several_levels_deep(base: OrgSchema) -> None:
    completer = SoqlCompleter(lambda: base)
    contact = base.get("Contact")
    assert contact is not None
    account_ref = contact.field_by_relationship("Account")
    assert account_ref is not None
    account = base.get(account_ref.reference_to[0])
    assert account is not None
    got = candidates(completer, "SELECT Id, Account. FROM Contact", "Account.")
    assert got[:len(account.fields)] == account.field_names
    owner = account.field_by_relationship("Owner")
    assert owner is not None and "Owner." in got
    user = base.get(owner.reference_to[0])
    assert user is not None
    deep = candidates(completer, "SELECT Account.Owner.Na FROM Contact", "Owner.Na")
    assert deep == [f.name for f in user.fields if f.name.lower().startswith("na")]
    assert candidates(completer, "SELECT Account.Nobody.Na FROM Contact", "Nobody.Na") == []


def test_objects_after_from_and_child_relationships_in_subqueries(base: OrgSchema) -> None:
    completer = SoqlCompleter(lambda: base)
    assert candidates(completer, "SELECT Id FROM Opp") == [
        n for n in base.object_names if n.lower().startswith("opp")]
    text = "SELECT Id, (SELECT Id FROM Ca) FROM Account"
    got = candidates(completer, text, "FROM Ca")
    assert got[0] == "Cases" and "Case" in got
    case = base.get("Case")
    assert case is not None
    sub = "SELECT Id, (SELECT Id, Sub FROM Cases) FROM Account"
    assert candidates(completer, sub, "Id, Sub") == [
        f.name for f in case.fields if f.name.lower().startswith("sub")]


def test_sosl_returning_keywords_literals_strings_and_meta(base: OrgSchema) -> None:
    completer = SoqlCompleter(lambda: base, {".describe": lambda: base.object_names, ".json": None})
    assert candidates(completer, "FIND {Acme} RETURNING Acc") == [
        n for n in base.object_names if n.lower().startswith("acc")]
    assert candidates(completer, "FIND {Acme} RETURNING Account(Na") == ["Name"]
    assert candidates(completer, "") == ["SELECT", "FIND"]
    assert "LAST_N_DAYS:" in candidates(completer, "SELECT Id FROM Case WHERE CreatedDate = LAST_N")
    assert "ORDER BY" in candidates(completer, "SELECT Id FROM Case ORD")
    assert candidates(completer, "SELECT Id FROM Account WHERE Name = 'Na") == []  # in a string
    assert candidates(completer, "FIND {Na") == []  # in a search term
    assert candidates(completer, ".de") == [".describe"]
    assert candidates(completer, ".describe Opp") == [
        n for n in base.object_names if n.startswith("Opp")]


def test_completion_follows_the_drifted_schema(base: OrgSchema, drifted: OrgSchema) -> None:
    """Renamed fields and relationship names complete; the base names they replaced do not."""
    completer = SoqlCompleter(lambda: drifted)
    plan = plan_drift(base, "medium", 0)
    obj_name, renames = next((o, r) for o, r in plan.field_renames.items() if r)
    base_field, visible_field = next(iter(renames.items()))
    offered = candidates(completer, f"SELECT Id FROM {obj_name} ORDER BY ")
    assert visible_field in offered and base_field not in offered
    renamed_ref = next((obj, f) for obj in drifted.objects for f in obj.fields
                       if f.type == FieldType.REFERENCE and f.relationship_name
                       and f.relationship_name.endswith("__r"))
    obj, ref = renamed_ref
    target = drifted.get(ref.reference_to[0])
    assert target is not None
    text = f"SELECT {ref.relationship_name}. FROM {obj.name}"
    got = candidates(completer, text, f"{ref.relationship_name}.")
    assert got[:len(target.fields)] == target.field_names


def test_only_the_statement_around_the_cursor_counts(base: OrgSchema) -> None:
    completer = SoqlCompleter(lambda: base)
    contact = base.get("Contact")
    assert contact is not None
    text = "SELECT Id FROM Account; SELECT Las FROM Contact; SELECT Id FROM Lead"
    assert candidates(completer, text, "SELECT Las") == [
        f.name for f in contact.fields if f.name.lower().startswith("las")]
