"""ShippingAddress (an address compound with a geolocation) and DISTANCE/GEOLOCATION in SELECT,
WHERE and ORDER BY, compared with a plain-Python haversine over the real orgs' coordinates."""

from __future__ import annotations

import math

import pytest

from data.org.store import load_org
from entropy.drift import plan_drift
from sandbox_db.database import open_view
from sandbox_db.errors import SalesforceError
from sandbox_db.soql import rewrite_soql, run_soql, run_sosl
from tests.helpers.soql_real_orgs import TODAY, raw

SF = (37.7749, -122.4194)
RADIUS = {"mi": 3958.8, "km": 6371.0088}


def haversine(lat: float, lon: float, unit: str) -> float:
    p1, p2 = math.radians(lat), math.radians(SF[0])
    dp, dl = p1 - p2, math.radians(lon - SF[1])
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * RADIUS[unit] * math.asin(math.sqrt(a))


@pytest.fixture(scope="module", params=["b2b", "b2c"])
def org(request):
    db = load_org(request.param)
    view = open_view(db)
    points = {r[0]: (r[1], r[2], r[3], r[4]) for r in raw(
        db, "SELECT Id, ShippingLatitude, ShippingLongitude, ShippingCity, ShippingState "
            "FROM {Account}")}
    yield db, view, points
    view.close()
    db.close()


def point(unit: str) -> str:
    return f"DISTANCE(ShippingAddress, GEOLOCATION({SF[0]}, {SF[1]}), '{unit}')"


@pytest.mark.parametrize("unit,limit", [("mi", 60), ("km", 500), ("MI", 2000)])
def test_distance_in_where_order_and_select(org, unit, limit):
    _, view, points = org
    res = run_soql(view, f"SELECT Id, {point(unit)} dist FROM Account WHERE {point(unit)} < "
                         f"{limit} ORDER BY {point(unit)} DESC, Id", today=TODAY)
    near = {a: haversine(p[0], p[1], unit.lower()) for a, p in points.items()
            if p[0] is not None and haversine(p[0], p[1], unit.lower()) < limit}
    assert near, "some accounts are near San Francisco"
    assert [r["Id"] for r in res["records"]] == sorted(near, key=lambda a: (-near[a], a))
    for r in res["records"]:
        assert r["dist"] == pytest.approx(near[r["Id"]], rel=1e-9)
    far = run_soql(view, f"SELECT COUNT() FROM Account WHERE {point(unit)} > {limit}",
                   today=TODAY)["totalSize"]
    located = sum(1 for p in points.values() if p[0] is not None)
    assert far == located - len(near)


def test_unaliased_distance_and_the_address_compound(org):
    _, view, points = org
    res = run_soql(view, f"SELECT Name, ShippingAddress, {point('km')} FROM Account ORDER BY Id "
                         f"LIMIT 10", today=TODAY)
    for rec in res["records"]:
        aid = rec["attributes"]["url"].rsplit("/", 1)[1]
        lat, lon, city, state = points[aid]
        assert rec["ShippingAddress"] == {"city": city, "country": None, "geocodeAccuracy": None,
                                          "latitude": lat, "longitude": lon, "postalCode": None,
                                          "state": state, "street": None}
        assert rec["expr0"] == pytest.approx(haversine(lat, lon, "km"), rel=1e-9)


def test_distance_in_sosl_and_under_drift(org):
    db, view, points = org
    search = f"FIND {{francisco OR oakland}} RETURNING Account(Id WHERE {point('mi')} < 30 " \
             f"ORDER BY {point('mi')})"
    found = [r["Id"] for r in run_sosl(view, search, today=TODAY)["searchRecords"]]
    assert found and all(haversine(*points[a][:2], "mi") < 30 for a in found)
    plan = plan_drift(db.schema, "high", 5, must_rename=[("Account", "ShippingLatitude"),
                                                          ("Account", "ShippingCity")])
    visible, base_names = plan.apply(db.schema)
    soql = f"SELECT Id, ShippingAddress FROM Account WHERE {point('mi')} < 100 ORDER BY Id"
    new = rewrite_soql(soql, db.schema, visible, plan.object_renames, plan.field_renames)
    assert "ShippingAddress" in new
    with open_view(db, visible, base_names) as drifted:
        assert run_soql(drifted, new, today=TODAY)["records"] == [
            {**r, "attributes": {**r["attributes"], "type": visible.get(
                plan.visible_object("Account")).name, "url": r["attributes"]["url"].replace(
                "/Account/", f"/{plan.visible_object('Account')}/")}}
            for r in run_soql(view, soql, today=TODAY)["records"]]


def test_describe_lists_the_compound(org):
    db, _, _ = org
    fields = {f["name"]: f for f in db.schema.get("Account").describe()["fields"]}
    assert fields["ShippingAddress"]["type"] == "address"
    assert fields["ShippingAddress"]["filterable"] is False
    assert fields["ShippingLatitude"]["compoundFieldName"] == "ShippingAddress"


@pytest.mark.parametrize("soql,code", [
    ("SELECT Id FROM Account WHERE DISTANCE(Name, GEOLOCATION(1, 2), 'mi') < 5", "INVALID_FIELD"),
    (f"SELECT Id FROM Account WHERE {point('mi')} = 5", "INVALID_QUERY_FILTER_OPERATOR"),
    ("SELECT Id FROM Account WHERE DISTANCE(ShippingAddress, GEOLOCATION(1, 2), 'm') < 5",
     "MALFORMED_QUERY"),
    ("SELECT Id FROM Account WHERE DISTANCE(ShippingAddress, GEOLOCATION(91, 2), 'mi') < 5",
     "INVALID_QUERY_FILTER_OPERATOR"),
    ("SELECT Id, GEOLOCATION(1, 2) FROM Account", "MALFORMED_QUERY"),
    ("SELECT Id FROM Account WHERE ShippingAddress = 'x'", "INVALID_FIELD"),
    ("SELECT Id FROM Account ORDER BY ShippingAddress", "MALFORMED_QUERY"),
    ("SELECT ShippingAddress, COUNT(Id) FROM Account GROUP BY ShippingAddress", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact WHERE DISTANCE(MailingAddress, GEOLOCATION(1, 2), 'mi') < 5",
     "INVALID_FIELD"),
])
def test_geolocation_errors(org, soql, code):
    _, view, _ = org
    with pytest.raises(SalesforceError) as err:
        run_soql(view, soql, today=TODAY)
    assert err.value.error_code == code, err.value
