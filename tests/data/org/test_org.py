"""The generated org: determinism, Ids, referential integrity, sizes, internal consistency,
the on-disk cache, and the importer round trip."""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from data.org import DEFAULT_SEED, GENERATOR_VERSION
from data.org.builder import ORG_END, ORG_START, OrgBuilder
from data.org.creation import SETUP_START
from data.org.generate import build_base, generate_org, normalize, org_fingerprint
from data.org.importer import import_org_dir
from data.org.plants import discover_planters
from data.org.sizes import target_counts
from data.org.store import build_org, cached_info, load_org, load_org_data, read_org_file
from data.org.vocab import STATES
from sandbox_db.database import quote_ident
from sandbox_db.ids import is_valid_id
from sandbox_db.schema import ORG_TYPES, FieldType, load_schema
from tests.helpers import REPO


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("org-cache")


@pytest.fixture(scope="module")
def built(cache: Path) -> dict[str, object]:
    """Both default orgs, built into a fresh cache directory."""
    return {org: build_org(org, DEFAULT_SEED, cache_dir=cache) for org in ORG_TYPES}


@pytest.fixture(scope="module")
def plain(built: dict) -> dict[str, duckdb.DuckDBPyConnection]:
    """Plain read-only connections to the built files (for checks agents could never run)."""
    cons = {org: duckdb.connect(str(info.path), read_only=True) for org, info in built.items()}
    yield cons
    for con in cons.values():
        con.close()


# ----------------------------------------------------------------------------- builder

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _number(record_id: str) -> int:
    n = 0
    for ch in record_id[5:15]:
        n = n * 62 + _B62.index(ch)
    return n


def test_builder_ids_follow_creation_time_valid_prefixed_and_unique() -> None:
    """As in a real org: a later record has a larger Id; two in the same second differ."""
    def cases(seed: int) -> list[str]:
        b = OrgBuilder("b2b", seed)
        rng = random.Random(seed)
        moments = sorted(ORG_START + dt.timedelta(seconds=rng.randrange(10**8))
                         for _ in range(500))
        moments[10] = moments[11]  # a collision
        return [b.add("Case", CreatedDate=m) for m in moments]

    ids = cases(7)
    assert all(is_valid_id(i) and i.startswith("500Wt") for i in ids)
    numbers = [_number(i) for i in ids]
    assert numbers[0] > 62**4  # a realistic offset, not 000000001
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    gaps = [b - a for a, b in zip(numbers, numbers[1:], strict=False)]
    assert len(set(gaps)) > 5  # gaps as irregular as the moments
    assert cases(7) == ids


def test_builder_streams_are_independent_and_seeded() -> None:
    a, b = OrgBuilder("b2b", 1), OrgBuilder("b2b", 1)
    a.rng("other").random()  # using one stream never shifts another
    assert a.rng("x").random() == b.rng("x").random()
    assert OrgBuilder("b2b", 2).rng("x").random() != OrgBuilder("b2b", 1).rng("x").random()
    assert OrgBuilder("b2c", 1).rng("x").random() != OrgBuilder("b2b", 1).rng("x").random()


def test_builder_add_validates_fields_and_get_finds_records() -> None:
    b = OrgBuilder("b2b", 1)
    with pytest.raises(ValueError, match="unknown fields"):
        b.add("Account", Nmae="typo")
    with pytest.raises(ValueError, match="unknown object"):
        b.add("Acount", Name="x")
    acc = b.add("Account", Name="Acme")
    assert b.get("Account", acc)["Name"] == "Acme"
    assert b.records("Account")[0]["Id"] == acc
    with pytest.raises(ValueError, match="duplicate"):
        b.add("Account", Id=acc, Name="again")
    with pytest.raises(KeyError):
        b.get("Account", "001Wt000000000AAA")


def test_planters_are_discovered_in_sorted_order_without_private_modules() -> None:
    names = [n for n, _ in discover_planters()]
    assert names == sorted(names)
    assert not any(n.startswith("_") for n in names)
    on_disk = sorted(p.stem for p in (REPO / "data/org/plants").glob("*.py")
                     if not p.stem.startswith("_"))
    assert names == on_disk


def test_normalize_types_values_and_rejects_bad_ones() -> None:
    schema = load_schema("b2b")
    out = normalize(schema, {"Opportunity": [{"Id": "x", "Amount": 5, "CloseDate": "2021-02-03"}]})
    row = out["Opportunity"][0]
    assert row["Amount"] == 5.0 and isinstance(row["Amount"], float)
    assert row["CloseDate"] == dt.date(2021, 2, 3) and row["StageName"] is None
    with pytest.raises(ValueError, match="Opportunity.CreatedDate"):
        normalize(schema, {"Opportunity": [{"Id": "x", "CreatedDate": 17}]})


# ----------------------------------------------------------------------------- determinism

def test_same_seed_same_bytes_different_seed_different_org(built: dict) -> None:
    """Fresh generations (here and in a process with another str-hash salt) match the build."""
    code = ("from data.org.generate import generate_org, org_fingerprint;"
            "from sandbox_db.schema import load_schema;"
            "print(org_fingerprint(generate_org('b2b', 42), load_schema('b2b')))")
    other_process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, text=True,
                                     stdout=subprocess.PIPE,
                                     env={**os.environ, "PYTHONHASHSEED": "12345"})
    schema = load_schema("b2b")
    info = built["b2b"]
    first = generate_org("b2b", 42)
    assert org_fingerprint(first, schema) == info.fingerprint  # sha256 of the canonical bytes
    assert info.version == f"b2b-42-g{GENERATOR_VERSION}-{info.fingerprint[:12]}"
    other = generate_org("b2b", 43)
    assert org_fingerprint(other, schema) != info.fingerprint
    assert {r["Id"] for r in first["Account"]} != {r["Id"] for r in other["Account"]}
    assert {r["Name"] for r in first["Account"]} != {r["Name"] for r in other["Account"]}
    assert other_process.communicate(timeout=180)[0].strip() == info.fingerprint


# ----------------------------------------------------------------------------- ids, references

@pytest.mark.parametrize("org", ORG_TYPES)
def test_ids_are_valid_with_the_objects_key_prefix(org: str, plain: dict) -> None:
    con = plain[org]
    for obj in load_schema(org).objects:
        ids = [r[0] for r in con.execute(f"SELECT Id FROM {quote_ident(obj.name)}").fetchall()]
        assert ids, f"{obj.name} is empty"
        assert len(set(ids)) == len(ids), obj.name
        bad = [i for i in ids if i is None or not is_valid_id(i) or i[:3] != obj.key_prefix]
        assert not bad, f"{obj.name}: {bad[:3]}"


@pytest.mark.parametrize("org", ORG_TYPES)
def test_every_reference_resolves(org: str, plain: dict) -> None:
    con = plain[org]
    checked = 0
    for obj in load_schema(org).objects:
        for f in obj.fields:
            if f.type != FieldType.REFERENCE:
                continue
            targets = " UNION ALL ".join(f"SELECT Id FROM {quote_ident(t)}" for t in f.reference_to)
            dangling = con.execute(
                f"SELECT {quote_ident(f.name)} FROM {quote_ident(obj.name)} "
                f"WHERE {quote_ident(f.name)} IS NOT NULL AND {quote_ident(f.name)} NOT IN "
                f"({targets}) LIMIT 3").fetchall()
            assert not dangling, f"{obj.name}.{f.name} -> {dangling}"
            checked += 1
    assert checked >= 40


@pytest.mark.parametrize("org", ORG_TYPES)
def test_user_ids_in_text_fields_resolve(org: str, plain: dict) -> None:
    """CaseHistory Old/NewValue of owner assignments and EmailMessage.ToIds name real records."""
    con = plain[org]
    assert con.execute("""
        SELECT count(*) FROM CaseHistory__c h WHERE Field__c = 'Owner Assignment'
        AND (NewValue__c NOT IN (SELECT Id FROM "User")
             OR (OldValue__c IS NOT NULL AND OldValue__c NOT IN (SELECT Id FROM "User")))
    """).fetchone() == (0,)
    assert con.execute("""
        SELECT count(*) FROM EmailMessage WHERE ToIds IS NOT NULL AND ToIds NOT IN
        (SELECT Id FROM "User" UNION ALL SELECT Id FROM Contact)""").fetchone() == (0,)


# ----------------------------------------------------------------------------- sizes

@pytest.mark.parametrize("org", ORG_TYPES)
def test_base_org_has_the_crmarena_pro_record_counts(org: str) -> None:
    builder = OrgBuilder(org, DEFAULT_SEED)
    build_base(builder)
    for name, target in target_counts(org).items():
        got = len(builder.records(name))
        assert abs(got - target) <= 0.03 * target + 1, f"{name}: {got} vs {target}"


@pytest.mark.parametrize("org", ORG_TYPES)
def test_full_org_stays_near_the_target_size(org: str, built: dict) -> None:
    total_target = sum(target_counts(org).values())
    total = sum(built[org].counts.values())
    assert abs(total - total_target) <= 0.10 * total_target
    assert (total > 50_000) == (org == "b2c")


# ----------------------------------------------------------------------------- consistency

@pytest.mark.parametrize("org", ORG_TYPES)
def test_case_history_is_consistent(org: str, plain: dict) -> None:
    con = plain[org]
    bad = con.execute("""
        WITH h AS (SELECT * FROM CaseHistory__c),
        per_case AS (
          SELECT c.Id, c.OwnerId, c.Status, c.CreatedDate, c.ClosedDate,
            count(*) FILTER (WHERE h.Field__c = 'Case Creation') AS creations,
            count(*) FILTER (WHERE h.Field__c = 'Owner Assignment') AS assignments,
            count(*) FILTER (WHERE h.Field__c = 'Case Closed') AS closings,
            arg_max(h.NewValue__c, h.CreatedDate) FILTER (WHERE h.Field__c = 'Owner Assignment')
              AS last_owner
          FROM "Case" c LEFT JOIN h ON h.CaseId__c = c.Id GROUP BY ALL)
        SELECT Id FROM per_case WHERE creations != 1 OR assignments < 1 OR last_owner != OwnerId
          OR (Status = 'Closed') != (ClosedDate IS NOT NULL)
          OR (Status = 'Closed') != (closings = 1) OR closings > 1
          OR (ClosedDate IS NOT NULL AND ClosedDate <= CreatedDate)
    """).fetchall()
    assert not bad
    # transfers exist, and each assignment chains from the previous owner
    assert con.execute("""SELECT count(*) FROM (SELECT CaseId__c FROM CaseHistory__c
        WHERE Field__c = 'Owner Assignment' GROUP BY 1 HAVING count(*) > 1)""").fetchone()[0] > 5
    assert con.execute("""
        SELECT count(*) FROM (SELECT OldValue__c, lag(NewValue__c) OVER
          (PARTITION BY CaseId__c ORDER BY CreatedDate) AS prev
          FROM CaseHistory__c WHERE Field__c = 'Owner Assignment')
        WHERE prev IS NOT NULL AND OldValue__c IS DISTINCT FROM prev""").fetchone() == (0,)
    assert con.execute("""SELECT count(*) FROM CaseHistory__c h JOIN "Case" c ON c.Id = h.CaseId__c
        WHERE (h.Field__c = 'Case Creation' AND h.CreatedDate != c.CreatedDate)
           OR (h.Field__c = 'Case Closed' AND h.CreatedDate != c.ClosedDate)
           OR h.CreatedDate < c.CreatedDate""").fetchone() == (0,)


@pytest.mark.parametrize("org", ORG_TYPES)
def test_sales_records_are_consistent(org: str, plain: dict) -> None:
    con = plain[org]

    def one(sql: str) -> object:
        return con.execute(sql).fetchone()[0]
    # line items priced from the price book; totals and amounts add up
    assert one("""SELECT count(*) FROM OpportunityLineItem li JOIN PricebookEntry pe
        ON pe.Id = li.PricebookEntryId WHERE li.UnitPrice != pe.UnitPrice
        OR li.Product2Id != pe.Product2Id OR abs(li.TotalPrice - li.Quantity * li.UnitPrice) > 0.01
        """) == 0
    assert one("""SELECT count(*) FROM OrderItem oi JOIN PricebookEntry pe
        ON pe.Id = oi.PriceBookEntryId
        WHERE oi.UnitPrice != pe.UnitPrice OR oi.Quantity <= 0""") == 0
    assert one("""SELECT count(*) FROM Opportunity o WHERE abs(o.Amount - (SELECT sum(TotalPrice)
        FROM OpportunityLineItem li WHERE li.OpportunityId = o.Id)) > 0.01""") == 0
    # contracts are signed after the opportunity was created
    assert one("""SELECT count(*) FROM Opportunity o JOIN Contract c ON c.Id = o.ContractID__c
        WHERE c.CompanySignedDate <= CAST(o.CreatedDate AS DATE) OR o.StageName != 'Closed'
        OR c.AccountId != o.AccountId""") == 0
    assert one("SELECT count(*) FROM Opportunity WHERE ContractID__c IS NOT NULL") > 50
    assert one("SELECT count(*) FROM Quote WHERE Status = 'Accepted'") > 50
    # leads: status matches conversion, conversion fields present exactly when converted
    assert one("""SELECT count(*) FROM Lead WHERE IsConverted != (Status = 'Closed - Converted')
        OR IsConverted != (ConvertedDate IS NOT NULL) OR IsConverted != (ConvertedAccountId IS
        NOT NULL) OR IsConverted != (ConvertedContactId IS NOT NULL)
        OR ConvertedDate < CAST(CreatedDate AS DATE)""") == 0
    assert one("""SELECT count(*) FROM Lead l JOIN Contact c ON c.Id = l.ConvertedContactId
        WHERE c.AccountId != l.ConvertedAccountId""") == 0
    states = {s for (s,) in con.execute("SELECT DISTINCT State FROM Lead").fetchall()}
    assert states <= set(STATES)
    for (desc,) in con.execute("SELECT Description FROM Territory2").fetchall():
        assert set(desc.split(",")) <= set(STATES)
    assert one("SELECT count(DISTINCT UserId) FROM UserTerritory2Association") > 100


@pytest.mark.parametrize("org", ORG_TYPES)
def test_dates_fall_inside_the_org_history(org: str, plain: dict) -> None:
    con = plain[org]
    for obj in load_schema(org).objects:
        for f in obj.fields:
            if f.type not in (FieldType.DATE, FieldType.DATETIME) or obj.name == "Pricebook2":
                continue
            lo, hi = con.execute(f"SELECT min({quote_ident(f.name)}), max({quote_ident(f.name)}) "
                                 f"FROM {quote_ident(obj.name)}").fetchone()
            if lo is None:
                continue
            lo_dt = lo if isinstance(lo, dt.datetime) else dt.datetime.combine(lo, dt.time())
            # the knowledge base is older than the org's history: written from the set-up year
            start = SETUP_START if obj.name == "Knowledge__kav" else ORG_START
            assert start <= lo_dt, f"{obj.name}.{f.name} {lo}"
            assert (hi if isinstance(hi, dt.datetime) else dt.datetime.combine(hi, dt.time())) \
                <= ORG_END + dt.timedelta(days=120), f"{obj.name}.{f.name} {hi}"


@pytest.mark.parametrize("org", ORG_TYPES)
def test_text_looks_real(org: str, plain: dict) -> None:
    con = plain[org]
    body = con.execute("SELECT Body FROM LiveChatTranscript LIMIT 1").fetchone()[0]
    assert body.count("Agent: ") >= 2 and body.count("Customer: ") >= 2
    call = con.execute("SELECT Body__c FROM VoiceCallTranscript__c LIMIT 1").fetchone()[0]
    assert "Agent: " in call and "Customer: " in call
    # the latest version of each article (revised up to twice: stale versions are plausible)
    assert con.execute("""SELECT count(*) FROM Knowledge__kav WHERE PublishStatus != 'Online'
        OR VersionNumber NOT IN (1, 2, 3) OR NOT IsLatestVersion
        OR length(FAQ_Answer__c) < 100""").fetchone() == (0,)
    assert con.execute("SELECT count(DISTINCT Description) FROM \"Case\"").fetchone()[0] > 100
    assert con.execute("SELECT count(DISTINCT UrlName) = count(*) FROM Knowledge__kav").fetchone() \
        == (True,)


# ----------------------------------------------------------------------------- cache and load

def test_cached_load_is_fast_and_read_back_matches(built: dict, cache: Path) -> None:
    started = time.perf_counter()
    db = load_org("b2b", DEFAULT_SEED, cache_dir=cache)
    elapsed = time.perf_counter() - started
    try:
        assert elapsed < 0.5, elapsed
        assert db.cursor().execute('SELECT count(*) FROM org.main."Case"').fetchone()[0] == \
            built["b2b"].counts["Case"]
    finally:
        db.close()
    assert cached_info("b2b", DEFAULT_SEED, cache_dir=cache) == built["b2b"]
    data = read_org_file(built["b2b"].path, "b2b")
    assert org_fingerprint(data, load_schema("b2b")) == built["b2b"].fingerprint
    assert load_org_data("b2b", DEFAULT_SEED, cache_dir=cache)["Case"] == data["Case"]


def test_unknown_org_is_a_clear_error(cache: Path) -> None:
    with pytest.raises(ValueError, match="unknown org"):
        load_org("b2x", cache_dir=cache)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- importer

def _export_dir(con: duckdb.DuckDBPyConnection, org: str, out: Path, fmt: str) -> None:
    for obj in load_schema(org).objects:
        target = out / f"{obj.name}.{fmt}"
        options = "(FORMAT parquet)" if fmt == "parquet" else "(HEADER, DELIMITER ',')"
        con.execute(f"COPY {quote_ident(obj.name)} TO '{target}' {options}")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_importer_round_trips_an_export(fmt: str, built: dict, plain: dict,
                                        tmp_path: Path) -> None:
    _export_dir(plain["b2b"], "b2b", tmp_path, fmt)
    data = import_org_dir(tmp_path, "b2b")
    assert org_fingerprint(data, load_schema("b2b")) == built["b2b"].fingerprint


def test_importer_drops_unknown_columns_and_leaves_missing_objects_empty(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, cache: Path) -> None:
    (tmp_path / "Account.csv").write_text(
        "Id,Name,ShippingState,CreatedDate,NumberOfEmployees,Rating__x\n"
        "001Wt00000ABCDEAAA,Acme Corp,CA,2021-03-04T05:06:07.000+0000,120,Hot\n")
    (tmp_path / "Contact.csv").write_text(
        "ID,FirstName,LastName,AccountId\n003Wt00000ABCDEAAA,Ann,Lee,001Wt00000ABCDEAAA\n")
    with caplog.at_level(logging.WARNING):
        data = import_org_dir(tmp_path, "b2b")
    assert "Rating__x" in caplog.text
    acc = data["Account"][0]
    assert acc["CreatedDate"] == dt.datetime(2021, 3, 4, 5, 6, 7)
    assert acc["NumberOfEmployees"] == 120 and acc["Industry"] is None
    assert data["Contact"][0]["Id"] == "003Wt00000ABCDEAAA"
    assert data["Case"] == []
    info = build_org("b2b", source=tmp_path, cache_dir=cache)
    db = load_org("b2b", source=tmp_path, cache_dir=cache)
    try:
        assert db.cursor().execute("SELECT Name FROM org.main.Account").fetchall() == \
            [("Acme Corp",)]
    finally:
        db.close()
    assert info.version.startswith("b2b-import-") and info.counts["Account"] == 1


def test_importer_rejects_bad_input(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        import_org_dir(tmp_path / "missing", "b2b")
    (tmp_path / "Opportunity.csv").write_text("Id,Amount\n006Wt00000ABCDEAAA,lots\n")
    with pytest.raises(ValueError, match="Opportunity"):
        import_org_dir(tmp_path, "b2b")


def test_stale_builds_of_the_same_org_are_pruned(tmp_path: Path) -> None:
    from data.org.store import KEEP_STALE_BUILDS, _prune_stale

    for i in range(6):
        for ext in ("duckdb", "json"):
            path = tmp_path / f"b2b-42-{i:016x}.{ext}"
            path.write_text("x")
            os.utime(path, (1000 + i, 1000 + i))
    other = tmp_path / "b2b-7-0000000000000000.duckdb"
    other.write_text("x")
    current = tmp_path / "b2b-42-ffffffffffffffff.duckdb"
    current.write_text("x")
    _prune_stale(current)
    left = sorted(p.name for p in tmp_path.glob("b2b-42-*.duckdb"))
    assert left == [f"b2b-42-{i:016x}.duckdb" for i in range(6 - KEEP_STALE_BUILDS, 6)] + \
        [current.name]
    assert other.exists() and not (tmp_path / "b2b-42-0000000000000000.json").exists()
