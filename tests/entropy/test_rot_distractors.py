"""Context rot: distractor rows per level, referentially intact, fresh Ids, deterministic, and
misleading only to careless lookups (names, missing date filters), never to Id lookups."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter

import pytest

from data.org.creation import time_of_auto_number
from data.org.store import load_org, load_org_data
from data.tasks.model import RotTarget
from entropy import iter_references, plan_rot, plan_rot_groups
from entropy.levels import ROT_COUNTS
from entropy.rot import SETUP_NEIGHBOURS, SPREAD
from sandbox_db.database import open_view
from sandbox_db.ids import is_valid_id, record_number
from tests.helpers.entropy_org import TODAY, make_org

soql = pytest.importorskip("sandbox_db.soql")


@pytest.fixture(scope="module")
def default_b2b():
    """The default b2b org (some checks need Ids that encode time, as the sample org's do not):
    (OrgDatabase, records)."""
    db = load_org("b2b")
    yield db, load_org_data("b2b")
    db.close()


def first(data, obj, pred=lambda r: True):
    return next(r for r in sorted(data[obj], key=lambda r: r["Id"]) if pred(r))


def targets_for(data) -> list[RotTarget]:
    case = first(data, "Case", lambda r: r.get("CreatedDate") is not None)
    opp = first(data, "Opportunity")
    return [
        RotTarget(object="Account", record_id=first(data, "Account")["Id"]),
        RotTarget(object="Product2", record_id=first(data, "Product2")["Id"]),
        RotTarget(object="Contact", record_id=first(data, "Contact")["Id"]),
        RotTarget(object="Lead", record_id=first(data, "Lead")["Id"]),
        RotTarget(object="Case", record_id=case["Id"], date_field="CreatedDate",
                  window_start=case["CreatedDate"] - dt.timedelta(days=15),
                  window_end=case["CreatedDate"] + dt.timedelta(days=15)),
        RotTarget(object="Opportunity", record_id=opp["Id"], date_field="CloseDate",
                  window_start=dt.datetime.combine(opp["CloseDate"], dt.time())
                  - dt.timedelta(days=30),
                  window_end=dt.datetime.combine(opp["CloseDate"], dt.time())
                  + dt.timedelta(days=1)),
        RotTarget(object="Knowledge__kav", record_id=first(data, "Knowledge__kav")["Id"]),
        RotTarget(object="VoiceCallTranscript__c",
                  record_id=first(data, "VoiceCallTranscript__c")["Id"]),
        RotTarget(object="User", record_id=first(data, "User")["Id"]),
    ]


@pytest.mark.parametrize("level", ["low", "medium", "high"])
def test_group_count_per_target_matches_level(b2b_org, level) -> None:
    schema, data, db = b2b_org
    targets = targets_for(data)
    lo, hi = ROT_COUNTS[level]
    for seed in range(3):
        groups = plan_rot_groups(db, schema, targets, level, seed)
        for i, target in enumerate(targets):
            n = sum(1 for g in groups if g.target == i)
            # a namesake swaps a word for one other names use: the sample org's products are
            # every brand x tier but a few, so only those few names are free
            least = min(lo, 4) if target.object == "Product2" else lo
            assert least <= n <= hi, (level, target.object, n)
    assert plan_rot(db, schema, targets, "none", 0) == {}


@pytest.mark.parametrize("level", ["low", "high"])
def test_rows_are_referentially_intact_with_fresh_valid_ids(b2b_org, level) -> None:
    schema, data, db = b2b_org
    rows = plan_rot(db, schema, targets_for(data), level, 5)
    base_ids = {o: {r["Id"] for r in data[o]} for o in data}
    rot_ids = {o: {r["Id"] for r in rs} for o, rs in rows.items()}
    all_new = [r["Id"] for rs in rows.values() for r in rs]
    assert len(all_new) == len(set(all_new))
    for obj, rs in rows.items():
        prefix = schema.get(obj).key_prefix
        for r in rs:
            assert is_valid_id(r["Id"]) and r["Id"].startswith(prefix)
            assert r["Id"] not in base_ids[obj]
            assert set(r) <= set(schema.get(obj).field_names)
    refs = list(iter_references(schema, rows))
    assert refs
    for obj, fld, target, ref in refs:
        assert ref in base_ids[target] or ref in rot_ids.get(target, set()), (obj, fld, ref)


def test_same_seed_same_rows_different_seed_different_rows(b2b_org) -> None:
    schema, data, db = b2b_org
    targets = targets_for(data)
    a = plan_rot(db, schema, targets, "medium", 8)
    assert a == plan_rot(db, schema, targets, "medium", 8)
    assert a == plan_rot(data, schema, targets, "medium", 8)  # data or db: same
    assert a != plan_rot(db, schema, targets, "medium", 9)


def test_group_rows_survive_dropping_other_groups(b2b_org) -> None:
    """Each group is referentially intact on its own (the unit verification may drop)."""
    schema, data, db = b2b_org
    groups = plan_rot_groups(db, schema, targets_for(data), "high", 2)
    base_ids = {o: {r["Id"] for r in data[o]} for o in data}
    for g in groups:
        own = {o: {r["Id"] for r in rs} for o, rs in g.rows.items()}
        for _, _, target, ref in iter_references(schema, g.rows):
            assert ref in base_ids[target] or ref in own.get(target, set())


def test_dated_clones_land_just_outside_the_window(b2b_org) -> None:
    """Outside the window, among the SPREAD base records nearest beyond its edge (a week of
    leeway: clones move by whole weeks)."""
    schema, data, db = b2b_org
    targets = targets_for(data)
    groups = plan_rot_groups(db, schema, targets, "high", 3)
    for i, t in enumerate(targets):
        if not t.date_field:
            continue
        base = sorted(r[t.date_field] for r in data[t.object] if r.get(t.date_field))
        for g in (g for g in groups if g.target == i):
            row = g.rows[t.object][0]
            value = row[t.date_field]
            if isinstance(value, dt.datetime):
                assert value < t.window_start or value > t.window_end
                before = [v for v in base if v < t.window_start][-SPREAD:]
                after = [v for v in base if v > t.window_end][:SPREAD]
                leeway = dt.timedelta(days=8)
                lo = min([t.window_start - leeway, *before]) - leeway
                hi = max([t.window_end + leeway, *after]) + leeway
                assert lo <= value <= hi, (value, lo, hi)
            else:
                assert value < t.window_start.date() or value > t.window_end.date()


def test_many_targets_distractors_spread_further_past_the_window(b2b_org) -> None:
    """Four cases in one window, five or six distractors each: past each edge they spread over
    at least twice as many base records as there are of them there, so that the stretch next to
    the window is not twice as dense as the rest of the object (its Ids would give them away)."""
    schema, data, db = b2b_org
    cases = sorted((r for r in data["Case"] if r.get("CreatedDate")),
                   key=lambda r: r["CreatedDate"])
    middle = cases[len(cases) // 2 - 2: len(cases) // 2 + 2]
    start = middle[0]["CreatedDate"] - dt.timedelta(hours=1)
    end = middle[-1]["CreatedDate"] + dt.timedelta(hours=1)
    targets = [RotTarget(object="Case", record_id=r["Id"], date_field="CreatedDate",
                         window_start=start, window_end=end) for r in middle]
    base = [r["CreatedDate"] for r in cases]
    for seed in range(3):
        clones = [r["CreatedDate"] for g in plan_rot_groups(db, schema, targets, "high", seed)
                  for r in g.rows["Case"]]
        for side in ([c for c in clones if c < start], [c for c in clones if c > end]):
            if len(side) < 4:
                continue
            lo, hi = min(side), max(side)
            spanned = sum(1 for b in base if lo <= b <= hi)
            assert spanned >= 2 * len(side), (seed, len(side), spanned)


def _product_cases(data) -> dict[str, list[dict]]:
    products = {oi["Id"]: oi["Product2Id"] for oi in data["OrderItem"]}
    out: dict[str, list[dict]] = {}
    for case in sorted(data["Case"], key=lambda c: record_number(c["Id"])):
        if case.get("CreatedDate") and case.get("OrderItemId__c") in products:
            out.setdefault(products[case["OrderItemId__c"]], []).append(case)
    return out


def test_clones_of_a_products_cases_keep_its_middle_case(default_b2b) -> None:
    """A task about a product's cases in a window (top_issue_identification): the cases' clones
    go beside the product's own cases outside the window, as many before its middle case (by Id,
    the upper median) as after, so the middle case stays the middle one. Clones crowding the
    window's edges used to make the window the middle of the product's history: the issue of
    the product's middle case (what a rot filter by Id position answers) was then the window's
    answer in a quarter of a fresh seed's tasks."""
    db, data = default_b2b
    values = sorted(c["CreatedDate"] for c in data["Case"] if c.get("CreatedDate"))
    checked = 0
    for product, cases in sorted(_product_cases(data).items()):
        if len(cases) < 8 or checked >= 16:
            continue
        inside = cases[len(cases) // 2 - 1: len(cases) // 2 + 2]  # the window holds the middle
        start = inside[0]["CreatedDate"] - dt.timedelta(hours=1)
        end = inside[-1]["CreatedDate"] + dt.timedelta(hours=1)
        targets = [RotTarget(object="Product2", record_id=product),
                   *(RotTarget(object="Case", record_id=c["Id"], date_field="CreatedDate",
                               window_start=start, window_end=end) for c in inside)]
        outside = [c["CreatedDate"] for c in cases if not start <= c["CreatedDate"] <= end]
        for seed in range(2):
            groups = plan_rot_groups(db, db.schema, targets, "high", seed)
            mine = {c["Id"] for c in cases}
            clones = [r for g in groups if g.target > 0 for r in g.rows.get("Case", ())
                      if g.sources[r["Id"]] in mine]
            assert len(clones) >= 3 * ROT_COUNTS["high"][0]
            numbers = sorted([record_number(c["Id"]) for c in cases]
                             + [record_number(c["Id"]) for c in clones])
            assert numbers[len(numbers) // 2] == record_number(cases[len(cases) // 2]["Id"])
            for clone in clones:
                moment = clone["CreatedDate"]
                assert not start <= moment <= end
                near = [(values[max(0, at - SPREAD)], values[min(len(values) - 1, at + SPREAD)])
                        for d in outside for at in [bisect.bisect_left(values, d)]]
                week = dt.timedelta(days=8)  # clones move by whole weeks
                assert any(lo - week <= moment <= hi + week for lo, hi in near), moment
            checked += 1
    assert checked == 16


def test_careless_name_lookup_finds_distractors_but_id_lookup_does_not(b2b_org) -> None:
    schema, data, db = b2b_org
    product = first(data, "Product2")
    target = [RotTarget(object="Product2", record_id=product["Id"])]
    for level in ("low", "medium", "high"):
        rows = plan_rot(db, schema, target, level, 1)
        with open_view(db, extra_rows=rows) as view:
            name = product["Name"].replace("'", "\\'")
            stem = name.split()[0]  # near-namesakes keep the first word
            query = f"SELECT Id, Name FROM Product2 WHERE Name LIKE '{stem}%'"
            with open_view(db) as base:
                truth = soql.run_soql(base, query, today=TODAY)["totalSize"]
            like = soql.run_soql(view, query, today=TODAY)
            assert like["totalSize"] > truth  # at least one near-namesake more
            by_id = soql.run_soql(view, "SELECT Id, Name FROM Product2 "
                                        f"WHERE Id = '{product['Id']}'", today=TODAY)
            assert [r["Name"] for r in by_id["records"]] == [product["Name"]]
            exact = soql.run_soql(view, f"SELECT Id FROM Product2 WHERE Name = '{name}'",
                                  today=TODAY)
            assert exact["totalSize"] == 1  # near-namesakes, never exact namesakes


def test_duplicate_contacts_share_the_name_and_now_and_then_the_email(b2b_org) -> None:
    """Real duplicates share the name and sometimes the address; other addresses are new."""
    schema, data, db = b2b_org
    contact = first(data, "Contact")
    rows = plan_rot(db, schema, [RotTarget(object="Contact", record_id=contact["Id"])], "high", 4)
    dups = rows["Contact"]
    assert len(dups) >= 5
    for d in dups:
        assert (d["FirstName"], d["LastName"], d["Name"]) == \
            (contact["FirstName"], contact["LastName"], contact["Name"])
        assert d["Id"] != contact["Id"]
    others = [d["Email"] for d in dups if d["Email"] != contact["Email"]]
    assert others and len(set(others)) == len(others)


def test_stale_knowledge_versions_are_archived_older_and_different(b2b_org) -> None:
    schema, data, db = b2b_org
    # the latest such article: an older version of it fits inside the base history
    article = max((r for r in data["Knowledge__kav"] if (r.get("VersionNumber") or 0) >= 3),
                  key=lambda r: r["LastPublishedDate"])
    rows = plan_rot(db, schema, [RotTarget(object="Knowledge__kav", record_id=article["Id"])],
                    "medium", 1)
    versions = [r for r in rows["Knowledge__kav"] if r["Title"] == article["Title"]]
    assert versions
    for v in versions:
        assert v["IsLatestVersion"] is False
        assert v["PublishStatus"] in ("Archived", "Draft")
        if v["PublishStatus"] == "Archived":
            assert v["VersionNumber"] < article["VersionNumber"]
            assert v["FAQ_Answer__c"] != article["FAQ_Answer__c"]  # stale numbers
    with open_view(db, extra_rows=rows) as view:
        title = article["Title"].replace("'", "\\'")
        careless = soql.run_soql(view, f"SELECT Id FROM Knowledge__kav WHERE Title = '{title}'",
                                 today=TODAY)
        careful = soql.run_soql(view, f"SELECT Id FROM Knowledge__kav WHERE Title = '{title}' "
                                      "AND IsLatestVersion = true AND PublishStatus = 'Online'",
                                today=TODAY)
        assert careless["totalSize"] > 1
        assert [r["Id"] for r in careful["records"]] == [article["Id"]]


def test_a_look_alike_article_comes_with_its_earlier_versions(b2b_org) -> None:
    """When an article's older versions run out, a look-alike article stands in, and it has
    its earlier versions too (same number and URL name, archived, published before it): a URL
    name no other version shares would mark it as the odd one."""
    schema, data, db = b2b_org
    article = max((r for r in data["Knowledge__kav"] if (r.get("VersionNumber") or 0) >= 2),
                  key=lambda r: r["LastPublishedDate"])
    rows = plan_rot(db, schema, [RotTarget(object="Knowledge__kav", record_id=article["Id"])],
                    "high", 1)["Knowledge__kav"]
    look_alikes = [r for r in rows if r["PublishStatus"] == "Online"]
    assert look_alikes and all(r["Title"] != article["Title"] for r in look_alikes)
    for current in look_alikes:
        earlier = [r for r in rows if r["UrlName"] == current["UrlName"] and r is not current]
        assert sorted(r["VersionNumber"] for r in earlier) == \
            list(range(1, current["VersionNumber"]))
        for r in earlier:
            assert (r["PublishStatus"], r["IsLatestVersion"]) == ("Archived", False)
            assert (r["ArticleNumber"], r["Title"]) == (current["ArticleNumber"], current["Title"])
            assert r["LastPublishedDate"] < current["LastPublishedDate"]


def test_no_record_is_cloned_twice_into_the_same_moment(b2b_org) -> None:
    """A transcript cloned on two paths (as a child of its lead's duplicate, and as a target of
    its own) never takes the same shift twice: two copies in the same second would sit at
    neighbouring Ids, as no two base records do."""
    schema, data, db = b2b_org
    by_lead = Counter(r["LeadId__c"] for r in data["VoiceCallTranscript__c"] if r.get("LeadId__c"))
    vct = first(data, "VoiceCallTranscript__c", lambda r: by_lead[r.get("LeadId__c")] >= 1)
    targets = [RotTarget(object="Lead", record_id=vct["LeadId__c"]),
               RotTarget(object="VoiceCallTranscript__c", record_id=vct["Id"])]
    for seed in range(6):
        groups = plan_rot_groups(db, schema, targets, "high", seed)
        moments = Counter((g.sources[r["Id"]], r["CreatedDate"]) for g in groups
                          for r in g.rows.get("VoiceCallTranscript__c", []))
        assert sum(1 for (source, _) in moments if source == vct["Id"]) >= 6
        assert max(moments.values()) == 1, moments.most_common(2)


def test_look_alike_accounts_cases_went_to_many_owners(b2b_org) -> None:
    """The cases filed under look-alike accounts went to other agents, drawn as often as
    agents own cases, not all to one decoy: one agent taking them all would own more cases in
    the episode than anyone does in the org."""
    schema, data, db = b2b_org
    cases = Counter(r["AccountId"] for r in data["Case"] if r.get("AccountId"))
    account = max(cases, key=lambda a: (cases[a], a))
    rows = plan_rot(db, schema, [RotTarget(object="Account", record_id=account)], "high", 2)
    owners = Counter(r["OwnerId"] for r in rows["Case"])
    assert owners.total() >= 8
    assert owners.most_common(1)[0][1] <= owners.total() / 2, owners


def test_transcripts_about_other_leads(b2b_org) -> None:
    schema, data, db = b2b_org
    vct = first(data, "VoiceCallTranscript__c")
    groups = plan_rot_groups(db, schema, [
        RotTarget(object="VoiceCallTranscript__c", record_id=vct["Id"])], "high", 6)
    others = [r for g in groups if g.kind == "other_lead_transcript"
              for r in g.rows["VoiceCallTranscript__c"]]
    assert others and all(r["LeadId__c"] != vct["LeadId__c"] for r in others)


def test_lookalike_owners_are_namesake_owners_from_the_org(default_b2b) -> None:
    """A look-alike owner is another of the org's users with the same first name who owns
    records of the object (no new user: the population of owners stays the base org's)."""
    db, data = default_b2b
    users = {u["Id"]: u for u in data["User"]}
    owners = {r["OwnerId"] for r in data["Case"]}
    firsts = Counter(users[o]["FirstName"] for o in owners)
    case = first(data, "Case", lambda r: firsts[users[r["OwnerId"]]["FirstName"]] > 1)
    groups = plan_rot_groups(db, db.schema, [RotTarget(object="Case", record_id=case["Id"])],
                             "high", 6)
    owned = [g for g in groups if g.kind == "lookalike_owner"]
    assert owned
    owner = users[case["OwnerId"]]
    for g in owned:
        assert "User" not in g.rows
        other = users[g.rows["Case"][0]["OwnerId"]]
        assert other["Id"] != owner["Id"] and other["FirstName"] == owner["FirstName"]
        assert other["Id"] in owners


def test_unknown_target_is_a_clear_error(b2b_org) -> None:
    schema, _, db = b2b_org
    with pytest.raises(ValueError, match="no Case with Id"):
        plan_rot(db, schema, [RotTarget(object="Case", record_id="500Wt0000000zzzIAA")], "low", 1)
    with pytest.raises(ValueError, match="unknown object"):
        plan_rot(db, schema, [RotTarget(object="Cas", record_id="x")], "low", 1)


def test_rot_rows_load_into_a_view_with_every_type(tmp_path) -> None:
    schema, data, db = make_org(tmp_path, "b2c", seed=3)
    try:
        rows = plan_rot(db, schema, targets_for(data), "high", 1)
        with open_view(db, extra_rows=rows) as view:
            for obj, rs in rows.items():
                cols, got = view.execute(f'SELECT * FROM {view.table(obj)} WHERE "Id" IN '
                                         f'(SELECT UNNEST(?))', [[r["Id"] for r in rs]])
                assert len(got) == len(rs)
                back = {g[cols.index("Id")]: dict(zip(cols, g, strict=True)) for g in got}
                for r in rs:
                    for k, v in r.items():
                        assert back[r["Id"]][k] == v, (obj, k)
    finally:
        db.close()


def test_archived_versions_lie_between_the_first_version_and_the_latest_in_order(b2b_org) -> None:
    """Version k of n is published in the k-th share of the base articles published between
    the first version and the latest: older versions first, none before the article existed."""
    schema, data, db = b2b_org
    dates = sorted(r["LastPublishedDate"] for r in data["Knowledge__kav"])
    # the latest such articles: their older versions fit inside the base history
    for article in sorted((r for r in data["Knowledge__kav"] if r["VersionNumber"] == 3),
                          key=lambda r: r["LastPublishedDate"])[-3:]:
        first_written = time_of_auto_number("Knowledge__kav", article["ArticleNumber"])
        rows = plan_rot(db, schema, [RotTarget(object="Knowledge__kav", record_id=article["Id"])],
                        "high", 1)["Knowledge__kav"]
        versions = sorted((r for r in rows if r["ArticleNumber"] == article["ArticleNumber"]),
                          key=lambda r: r["VersionNumber"])
        assert [v["VersionNumber"] for v in versions] == [1, 2]
        published = [v["LastPublishedDate"] for v in versions]
        assert first_written <= published[0] < published[1] < article["LastPublishedDate"]
        # each in its half of the articles published in between (give or take two neighbours)
        lo = bisect.bisect_left(dates, first_written)
        hi = bisect.bisect_left(dates, article["LastPublishedDate"] - dt.timedelta(weeks=1))
        half = (lo + hi) // 2
        assert published[0] <= dates[min(half + 2, hi - 1)]
        assert published[1] >= dates[max(half - 2, lo)]


def test_small_catalogue_look_alikes_take_words_no_name_uses(b2b_org) -> None:
    """An issue whose last word no other issue has gets look-alikes ending in a word no issue
    has (a word from another issue would be commoner than the original's); a one-word
    territory gets one-word look-alikes."""
    schema, data, db = b2b_org
    for obj in ("Issue__c", "Territory2"):
        names = [r["Name"] for r in data[obj]]
        uses = Counter(w for n in names for w in set(n.split()))
        for row in sorted(data[obj], key=lambda r: r["Id"]):
            words = row["Name"].split()
            if uses[words[-1]] > 1:
                continue
            rows = plan_rot(db, schema, [RotTarget(object=obj, record_id=row["Id"])], "high", 1)
            look_alikes = [r["Name"].split() for r in rows[obj]]
            assert look_alikes
            for other in look_alikes:
                assert len(other) == len(words), (row["Name"], other)
                assert not any(uses[w] for w in set(other) - set(words)), (row["Name"], other)


def test_set_up_look_alikes_lie_among_their_originals_neighbours(default_b2b) -> None:
    """A product made in the set-up year has no date to place its look-alike by: it is made
    among the few products made just before and after its original, wherever that lies; the
    last product's look-alikes are made after it too."""
    db, data = default_b2b
    schema = db.schema
    numbers = sorted(record_number(r["Id"]) for r in data["Product2"])
    for at in (0, len(numbers) // 2, len(numbers) - 1):
        original = next(r for r in data["Product2"] if record_number(r["Id"]) == numbers[at])
        ranks = []
        for seed in range(4):
            rows = plan_rot(db, schema, [RotTarget(object="Product2", record_id=original["Id"])],
                            "high", seed)
            ranks += [bisect.bisect(numbers, record_number(r["Id"])) for r in rows["Product2"]]
        assert ranks and all(abs(rank - at) <= SETUP_NEIGHBOURS + 1 for rank in ranks), ranks
        assert any(rank <= at for rank in ranks) and any(rank > at for rank in ranks), ranks


def test_cloned_territory_memberships_go_to_users_as_memberships_are_shared(default_b2b) -> None:
    """A membership sits beside its user's other memberships: clones go to users with none or
    one (never making a third), both as the base org's memberships are shared (the default org:
    in the sample org every user has memberships)."""
    db, data = default_b2b
    schema = db.schema
    members = Counter(r["UserId"] for r in data["UserTerritory2Association"])
    got: Counter[int] = Counter()
    for territory in data["Territory2"]:
        rows = plan_rot(db, schema, [RotTarget(object="Territory2", record_id=territory["Id"])],
                        "high", 1)
        got.update(members[r["UserId"]] for r in rows.get("UserTerritory2Association", []))
    assert set(got) == {0, 1}, got


def test_cloned_cases_are_handed_over_by_other_people_in_one_consistent_chain(
        default_b2b) -> None:
    """A clone of a case names other people than the original: everyone its owner-assignment
    history names (and, filed under a look-alike issue, its owner), each replaced one for one,
    so its history still reads as a chain of hand-overs; a case moved outside a window keeps
    its owner (or takes the look-alike owner). A copy added to the cases and transfers of
    whoever handled the original, often the task's answer."""
    db, data = default_b2b
    history: dict[str, list[dict]] = {}
    for h in data["CaseHistory__c"]:
        if h.get("Field__c") == "Owner Assignment":
            history.setdefault(h["CaseId__c"], []).append(h)
    by_id = {r["Id"]: r for obj in ("Case", "CaseHistory__c") for r in data[obj]}
    handed = [c for c in sorted(data["Case"], key=lambda r: r["Id"])
              if len(history.get(c["Id"], ())) >= 2][:6]
    issue = Counter(c["IssueId__c"] for c in data["Case"] if c.get("IssueId__c")).most_common(1)
    targets = [RotTarget(object="Case", record_id=c["Id"], date_field="CreatedDate",
                         window_start=c["CreatedDate"] - dt.timedelta(days=10),
                         window_end=c["CreatedDate"] + dt.timedelta(days=10)) for c in handed]
    targets.append(RotTarget(object="Issue__c", record_id=issue[0][0]))
    checked = kept = 0
    for group in plan_rot_groups(db, db.schema, targets, "high", 5):
        people: dict[str, dict[str, str]] = {}  # clone case -> its people's replacements
        owners: dict[str, str] = {}  # clone case -> its owner when it kept it
        for case in group.rows.get("Case", ()):
            source = by_id[group.sources[case["Id"]]]
            moved = targets[group.target].object == "Case"  # out of a window, not a look-alike's
            if moved and case["OwnerId"] == source["OwnerId"]:
                owners[case["Id"]] = case["OwnerId"]
                kept += 1
            else:
                assert case["OwnerId"] != source["OwnerId"], group.kind
                people.setdefault(case["Id"], {})[source["OwnerId"]] = case["OwnerId"]
        for row in group.rows.get("CaseHistory__c", ()):
            source = by_id[group.sources[row["Id"]]]
            if source.get("Field__c") != "Owner Assignment":
                continue
            mapping = people.setdefault(row["CaseId__c"], {})
            for f in ("OldValue__c", "NewValue__c"):
                before, after = source.get(f), row.get(f)
                if before is None or before == owners.get(row["CaseId__c"]):
                    assert after == before
                    continue
                assert before != after, (group.kind, f, before)
                assert mapping.setdefault(before, after) == after, "not one for one"
        for mapping in people.values():
            assert len(set(mapping.values())) == len(mapping), "two people became one"
            checked += len(mapping)
    assert checked >= 20 and kept >= 3
