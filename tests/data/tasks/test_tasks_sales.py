"""T2's eight sales categories (sales_amount_understanding, sales_cycle_understanding,
activity_priority, wrong_stage_rectification, named_entity_disambiguation, quote_approval,
invalid_config, policy_violation_identification) on the real base orgs: counts,
reproducibility, gold = reference on a fresh view = the oracle agent's answer through a real
episode, uniqueness, None quota, no leaked answers; plus table-driven checks of each
derivation's policy (ties refused, thresholds read from the articles, phrase banks unambiguous)."""

from __future__ import annotations

import pytest

from data.org.plants._sales_text import (
    QUOTE_POLICY_ARTICLES,
    SERVICE_DECLINE_SENTENCES,
    SERVICE_GRANT_SENTENCES,
    SERVICE_POLICY_ARTICLES,
    STAGE_TASK_SUBJECTS,
    parse_quote_rule,
    parse_service_rule,
    quote_article_text,
    service_grants,
    stage_of_subject,
)
from data.tasks.reference import execute_reference_steps, run_reference
from data.tasks.registry import DERIVATIONS, AmbiguousAnswer
from data.tasks.results import records, value
from sandbox_db.database import open_view
from sandbox_db.ids import is_valid_id
from tests.helpers.tasks import (
    ORGS,
    PER_CATEGORY,
    assert_build_is_reproducible,
    assert_every_task_needs_a_query,
    assert_full_count_without_errors,
    built_fixture,
    by_category,
)

CATEGORIES = ("sales_amount_understanding", "sales_cycle_understanding", "activity_priority",
              "wrong_stage_rectification", "named_entity_disambiguation", "quote_approval",
              "invalid_config", "policy_violation_identification")

built = built_fixture(CATEGORIES)


def test_every_category_builds_its_full_count_without_errors(built):
    assert_full_count_without_errors(built, CATEGORIES)
    _, tasks, _ = built
    assert all(t.reference and t.referenced_fields and t.rot_targets for t in tasks)


def test_build_is_reproducible(built):
    assert_build_is_reproducible(built, CATEGORIES)


def test_gold_is_the_reference_answer_on_a_fresh_view(built, base_db):
    org, tasks, _ = built
    with open_view(base_db[org]) as view:
        for t in tasks:
            assert tuple(run_reference(view, t)) == t.answer, t.id


def test_none_share_within_quota_and_answers_vary(built):
    _, tasks, _ = built
    for category, ts in by_category(tasks).items():
        assert sum(t.is_none_answer for t in ts) <= 1, category
        top = max(sum(t.answer == a.answer for t in ts) for a in ts)
        assert top <= 0.5 * len(ts), (category, top)
    assert sum(t.is_none_answer for t in tasks) <= 0.05 * len(tasks)


def test_answers_never_appear_in_query_or_context(built):
    _, tasks, _ = built
    for t in tasks:
        text = t.query + "\n" + t.required_context + "\n" + t.persona
        for answer in t.answer:
            if is_valid_id(answer):
                assert answer not in text, (t.id, answer)
        if t.category == "wrong_stage_rectification" and not t.is_none_answer:
            # the query lists every label; the context names only the opportunity
            assert t.answer[0] not in t.required_context


def test_every_task_needs_a_query(built):
    _, tasks, _ = built
    assert_every_task_needs_a_query(tasks)


def test_argmax_winner_strictly_beats_runner_up(built, base_db):
    """For the 'which agent' categories, recompute every agent's figure from the reference
    results: the gold agent is strictly best by more than the tie margin."""
    from data.tasks.results import as_datetime

    org, tasks, _ = built
    with open_view(base_db[org]) as view:
        for t in tasks:
            if t.is_none_answer or t.category not in ("sales_amount_understanding",
                                                      "sales_cycle_understanding"):
                continue
            rows = records(execute_reference_steps(view, t)[0])
            figures: dict[str, list[float]] = {}
            for r in rows:
                if t.category == "sales_amount_understanding":
                    figures.setdefault(value(r, "OwnerId"), []).extend(
                        i["Quantity"] * i["UnitPrice"] for i in records(r["OrderItems"] or []))
                else:
                    days = (as_datetime(value(r, "ContractID__r.CompanySignedDate")).date()
                            - as_datetime(value(r, "CreatedDate")).date()).days
                    figures.setdefault(value(r, "OwnerId"), []).append(days)
            assert len(figures) >= 2, t.id
            if t.category == "sales_amount_understanding":
                score = {k: sum(v) for k, v in figures.items()}
                flip = t.reference.params["lowest"]
            else:
                score = {k: sum(v) / len(v) for k, v in figures.items()}
                flip = not t.reference.params["slowest"]
            ranked = sorted(score.items(), key=lambda kv: kv[1], reverse=not flip)
            assert ranked[0][0] == t.answer[0], t.id
            margin = 0.005 if t.category == "sales_amount_understanding" else 0.5
            assert abs(ranked[0][1] - ranked[1][1]) > margin, t.id


def test_multi_id_and_text_answers_come_from_planted_signal(built, base_db):
    """activity_priority answers several task Ids, all 'Not Started' on the opportunity;
    policy and quote answers are article Ids; named-entity answers are products."""
    org, tasks, _ = built
    cats = by_category(tasks)
    assert sum(len(t.answer) >= 2 for t in cats["activity_priority"]) >= PER_CATEGORY // 2
    prefixes = {"quote_approval": "ka0", "invalid_config": "ka0",
                "policy_violation_identification": "ka0", "named_entity_disambiguation": "01t",
                "activity_priority": "00T"}
    for category, prefix in prefixes.items():
        for t in cats[category]:
            assert t.is_none_answer or all(a.startswith(prefix) for a in t.answer), t.id
    assert len({t.answer for t in cats["invalid_config"]}) >= 3
    assert len({t.answer for t in cats["policy_violation_identification"]}) >= 3


async def test_oracle_agent_solves_each_category_through_an_episode(built, base_db):
    from env.agents import make_agent
    from env.config import EpisodeConfig
    from env.episode import run_episode

    org, tasks, _ = built
    agent = make_agent("oracle", drift="none")
    for ts in by_category(tasks).values():
        for t in ts[:2]:
            result = await run_episode(t, agent.session(t, 0), base_db[org],
                                       EpisodeConfig(org=org))
            assert result.passed, (t.id, result.answer, t.answer, result.reason)


async def test_oracle_solves_each_category_under_high_drift_and_rot(built, base_db):
    """The reference queries filter by Id and exact windows, so distractor rows never change
    what they return, and their results stay within one observation when names grow longer."""
    from env.agents import make_agent
    from env.config import EpisodeConfig
    from env.episode import run_episode

    org, tasks, _ = built
    for ts in by_category(tasks).values():
        t = ts[-1]
        result = await run_episode(t, make_agent("oracle", drift="high").session(t, 0),
                                   base_db[org],
                                   EpisodeConfig(org=org, drift="high", rot="high", seed=11))
        assert result.passed, (t.id, result.answer, t.answer, result.reason)


# --- phrase banks and policy parsers --------------------------------------------------------

def test_every_stage_subject_classifies_to_exactly_its_stage():
    seen = {}
    for stage, subjects in STAGE_TASK_SUBJECTS.items():
        for s in subjects:
            assert s.lower() not in seen, (s, stage, seen.get(s.lower()))
            seen[s.lower()] = stage
            assert stage_of_subject(s) == stage
            assert stage_of_subject("  " + s.upper() + " ") == stage
    assert stage_of_subject("Follow-up call") is None
    assert stage_of_subject(None) is None


@pytest.mark.parametrize("kind", ["max_discount", "price_floor", "volume_discount",
                                  "max_quantity", "duplicate_product",
                                  "accessory_needs_hardware", "services_need_product"])
def test_quote_articles_state_a_rule_the_parser_reads_back(kind):
    parsed = parse_quote_rule(quote_article_text(kind))
    assert parsed is not None and parsed[0] == kind
    assert parse_quote_rule("Discounts on quotes must be approved per the matrix.") is None


def test_service_grants_and_declines():
    for kind, sentence in SERVICE_GRANT_SENTENCES.items():
        assert service_grants("Agent: " + sentence.format(n=42)) == [(kind, 42.0)]
    for kind, sentence in SERVICE_DECLINE_SENTENCES.items():
        assert service_grants("Agent: " + sentence.format(n=42)) == [], kind


# --- derivation policy tables ---------------------------------------------------------------

def _soql(rows):
    return {"totalSize": len(rows), "done": True, "records": rows}


def _article(aid, text):
    return {"Id": aid, "Title": "t", "FAQ_Answer__c": text}


def test_sales_amount_table():
    d = DERIVATIONS["sales_amount_understanding"]
    def order(owner, *items):
        return {"OwnerId": owner, "OrderItems": _soql(
            [{"Quantity": q, "UnitPrice": p} for q, p in items]) if items else None}
    items = _soql([order("A", (2.0, 100.0)), order("A", (1.0, 50.0)), order("C"),
                   order("B", (10.0, 20.0))])
    assert d([items], {"lowest": False}) == ["A"]  # 250 vs 200
    assert d([items], {"lowest": True}) == ["C"]  # an eligible order without items: 0
    assert d([_soql(records(items)[:2] + records(items)[3:])], {"lowest": True}) == ["B"]
    assert d([_soql([])], {"lowest": False}) == []
    tie = _soql([order("A", (1.0, 200.0)), order("B", (2.0, 100.0))])
    with pytest.raises(AmbiguousAnswer):
        d([tie], {"lowest": False})


def test_sales_cycle_table():
    d = DERIVATIONS["sales_cycle_understanding"]

    def opp(owner, created, signed):
        return {"OwnerId": owner, "CreatedDate": created,
                "ContractID__r": {"CompanySignedDate": signed}}
    rows = _soql([opp("A", "2023-01-01T22:00:00.000+0000", "2023-01-11"),   # 10 days
                  opp("A", "2023-01-01T01:00:00.000+0000", "2023-01-21"),   # 20 days
                  opp("B", "2023-02-01T09:00:00.000+0000", "2023-02-13")])  # 12 days
    assert d([rows], {"slowest": False}) == ["B"]
    assert d([rows], {"slowest": True}) == ["A"]
    with pytest.raises(AmbiguousAnswer):
        d([_soql([opp("A", "2023-01-01T00:00:00.000+0000", "2023-01-11"),
                  opp("B", "2023-03-01T00:00:00.000+0000", "2023-03-11")])], {"slowest": True})


def test_activity_priority_and_wrong_stage_tables():
    ap = DERIVATIONS["activity_priority"]
    q, n = STAGE_TASK_SUBJECTS["Quote"], STAGE_TASK_SUBJECTS["Negotiation"]
    opp = _soql([{"Id": "006", "StageName": "Quote"}])
    tasks = _soql([{"Id": "t1", "Subject": q[0]}, {"Id": "t2", "Subject": n[0]},
                   {"Id": "t3", "Subject": STAGE_TASK_SUBJECTS["Closed"][1]}])
    assert ap([opp, tasks], {}) == ["t2", "t3"]
    with pytest.raises(AmbiguousAnswer):
        ap([opp, _soql([{"Id": "t9", "Subject": "Follow-up call"}])], {})
    ws = DERIVATIONS["wrong_stage_rectification"]
    story = _soql([{"Id": "t2", "Subject": n[0]}, {"Id": "t1", "Subject": n[1]},
                   {"Id": "t3", "Subject": q[0]}, {"Id": "t4", "Subject": "Follow-up call"}])
    assert ws([opp, story], {}) == ["Negotiation", "t1", "t2"]
    assert ws([_soql([{"StageName": "Negotiation"}]), story], {}) == []
    with pytest.raises(AmbiguousAnswer):
        ws([opp, _soql([{"Subject": n[0]}, {"Subject": q[1]}])], {})


def test_named_entity_table():
    d = DERIVATIONS["named_entity_disambiguation"]
    contact = _soql([{"Id": "003", "AccountId": "001"}])

    def item(pid, name, desc="A product."):
        return {"Product2Id": pid, "Product2": {"Name": name, "Description": desc}}
    day = _soql([item("p1", "VoltEdge Power Optimization Manager Plus"),
                 item("p2", "SkyDraft Design Suite", "Our cloud-based design program.")])
    assert d([contact, day], {"kind": "power optimization manager"}) == ["p1"]
    assert d([contact, day], {"kind": "cloud-based design program"}) == ["p2"]
    assert d([contact, day], {"kind": "thermal imaging camera"}) == []
    with pytest.raises(AmbiguousAnswer):
        d([contact, _soql([item("p1", "VoltEdge Power Optimization Manager"),
                           item("p3", "GridSense Power Optimization Manager")])],
          {"kind": "power optimization manager"})


def test_quote_policy_table():
    d = DERIVATIONS["quote_approval"]
    articles = _soql([_article(f"ka{k}", quote_article_text(k)) for k in (
        "max_discount", "price_floor", "volume_discount", "max_quantity", "duplicate_product",
        "accessory_needs_hardware", "services_need_product")])

    def line(pid="p1", fam="Hardware", qty=10.0, price=100.0, disc=0.0, listp=100.0):
        return {"Product2Id": pid, "Product2": {"Family": fam}, "Quantity": qty,
                "UnitPrice": price, "Discount": disc, "PricebookEntry": {"UnitPrice": listp}}
    ok = [line(), line("p2", "Services", 2.0)]
    assert d([_soql(ok), articles], {}) == []
    assert d([_soql([line(qty=60.0, disc=30.0)]), articles], {}) == ["kamax_discount"]
    assert d([_soql([line(qty=60.0, disc=25.0)]), articles], {}) == []  # at the limit
    assert d([_soql([line(qty=10.0, disc=20.0)]), articles], {}) == ["kavolume_discount"]
    assert d([_soql([line(price=80.0)]), articles], {}) == ["kaprice_floor"]
    assert d([_soql([line(qty=501.0)]), articles], {}) == ["kamax_quantity"]
    assert d([_soql([line(), line(qty=2.0)]), articles], {}) == ["kaduplicate_product"]
    assert d([_soql([line(fam="Accessories"), line("p2", "Software")]), articles], {}) == \
        ["kaaccessory_needs_hardware"]
    assert d([_soql([line(fam="Services")]), articles], {}) == ["kaservices_need_product"]
    with pytest.raises(AmbiguousAnswer):  # breaks two rules
        d([_soql([line(qty=10.0, disc=30.0)]), articles], {})
    with pytest.raises(AmbiguousAnswer):  # two articles state one rule
        extra = _article("kaX", quote_article_text("max_quantity"))
        d([_soql(ok), _soql(records(articles) + [extra])], {})
    # the threshold is the article's: a stricter article flags what the standard one allows
    strict = _soql([_article("kaS", quote_article_text("max_quantity").replace("500", "5"))])
    assert d([_soql([line(qty=10.0)]), strict], {}) == ["kaS"]


def test_policy_violation_table():
    d = DERIVATIONS["policy_violation_identification"]
    from data.org.plants._sales_text import SERVICE_POLICY_LIMITS

    articles = _soql([_article(f"ka{k}", body.format(limit=SERVICE_POLICY_LIMITS[k]))
                      for k, (_, _, _, body) in SERVICE_POLICY_ARTICLES.items()])
    assert all(parse_service_rule(a["FAQ_Answer__c"]) for a in records(articles))

    def chat(*sentences):
        return _soql([{"Body": "\n".join(f"Agent: {s}" for s in sentences)}])
    grant, decline = SERVICE_GRANT_SENTENCES, SERVICE_DECLINE_SENTENCES
    no_mail = _soql([])
    assert d([chat(grant["refund_window"].format(n=45)), no_mail, articles], {}) == \
        ["karefund_window"]
    assert d([chat(grant["refund_window"].format(n=12),
                   decline["goodwill_credit"].format(n=300)), no_mail, articles], {}) == []
    assert d([chat(grant["expedited_shipping"].format(n=499)), no_mail, articles], {}) == \
        ["kaexpedited_shipping"]
    assert d([chat(grant["expedited_shipping"].format(n=500)), no_mail, articles], {}) == []
    email = _soql([{"TextBody": "Hi,\n" + grant["goodwill_credit"].format(n=80)}])
    assert d([chat(decline["refund_window"].format(n=60)), email, articles], {}) == \
        ["kagoodwill_credit"]
    with pytest.raises(AmbiguousAnswer):
        d([chat(grant["warranty_replacement"].format(n=20)), email, articles], {})


# --- what the sales planters leave in the base orgs -----------------------------------------

@pytest.mark.parametrize("org", ORGS)
def test_planted_org_signal(org):
    from collections import Counter

    from data.org import DEFAULT_SEED
    from data.tasks.build import base_org
    from data.tasks.categories._sales_common import published

    _, data = base_org(org, DEFAULT_SEED)
    # every contract is fulfilled by exactly one order (the Sales Amount Policy's link)
    linked = Counter(o["ContractId"] for o in data["Order"] if o.get("ContractId"))
    assert set(linked) == {c["Id"] for c in data["Contract"]} and set(linked.values()) == {1}
    # each quote and service rule is stated by exactly one published article
    kinds = Counter()
    for a in data["Knowledge__kav"]:
        if published(a):
            text = a["FAQ_Answer__c"]
            for rule in (parse_quote_rule(text), parse_service_rule(text)):
                if rule:
                    kinds[rule[0]] += 1
    assert len(kinds) == len(QUOTE_POLICY_ARTICLES) + len(SERVICE_POLICY_ARTICLES) == 14
    assert set(kinds.values()) == {1}, kinds
    # near-namesake products: each kind has three look-alike products
    names = [p["Name"] for p in data["Product2"]]
    assert sum("Power Optimization Manager" in n for n in names) == 3


@pytest.mark.slow
def test_a_fresh_org_whose_periods_one_deal_decides_still_fills_sales_cycle(tmp_path):
    """Fresh seed 8282's b2b org: most periods are decided by a single deal (turned down by the
    heuristic budget); the category drew too few periods to fill (17 of 20 after three draws)."""
    from data.tasks.seeded import SeededTaskSet

    tasks = SeededTaskSet("b2b", 8282, cache_dir=tmp_path).tasks(["sales_cycle_understanding"])
    assert len(tasks) == PER_CATEGORY
