"""Records behind SOQL's org-level features, added after every planter: queues (polymorphic
owners), who an activity is about and who delegated it (Who, USING SCOPE delegated), where an
account is (ShippingAddress geolocation, DISTANCE) and which territory and account team it belongs
to (USING SCOPE my_territory, team), the data categories of knowledge articles (WITH DATA
CATEGORY) and the list views the schema defines (SOSL USING ListView).

Why last and from their own random streams: nothing here changes a record any task reads, so
gold answers do not move; only new fields and new objects are filled.
"""

from __future__ import annotations

import random
from typing import Any

from data.org.builder import OrgBuilder
from data.org.people import VENDOR_DOMAIN, slug

#: Queues and public groups (Group). Owner fields of Case, Lead and Task may name a queue.
GROUPS = (("Tier 1 Support", "Queue"), ("Tier 2 Support", "Queue"), ("Billing Support", "Queue"),
          ("Inbound Leads", "Queue"), ("Partner Leads", "Queue"), ("Sales Managers", "Regular"))
TEAM_ROLES = ("Account Manager", "Sales Rep", "Technical Sales", "Executive Sponsor")
TEAM_SHARE = 0.35
DELEGATED_SHARE = {"Task": 0.12, "Event": 0.08}

#: (state, city) -> (latitude, longitude): the cities accounts ship to (data.org.vocab.STATES).
CITY_COORDINATES: dict[tuple[str, str], tuple[float, float]] = {
    ("AL", "Birmingham"): (33.52, -86.80), ("AL", "Montgomery"): (32.37, -86.30),
    ("AL", "Huntsville"): (34.73, -86.59), ("AK", "Anchorage"): (61.22, -149.90),
    ("AK", "Fairbanks"): (64.84, -147.72), ("AK", "Juneau"): (58.30, -134.42),
    ("AZ", "Phoenix"): (33.45, -112.07), ("AZ", "Tucson"): (32.22, -110.97),
    ("AZ", "Scottsdale"): (33.49, -111.93), ("AZ", "Mesa"): (33.42, -111.83),
    ("AR", "Little Rock"): (34.75, -92.29), ("AR", "Fayetteville"): (36.06, -94.16),
    ("AR", "Bentonville"): (36.37, -94.21), ("CA", "Los Angeles"): (34.05, -118.24),
    ("CA", "San Francisco"): (37.77, -122.42), ("CA", "San Diego"): (32.72, -117.16),
    ("CA", "San Jose"): (37.34, -121.89), ("CA", "Sacramento"): (38.58, -121.49),
    ("CA", "Oakland"): (37.80, -122.27), ("CA", "Irvine"): (33.68, -117.83),
    ("CO", "Denver"): (39.74, -104.99), ("CO", "Boulder"): (40.01, -105.27),
    ("CO", "Colorado Springs"): (38.83, -104.82), ("CT", "Hartford"): (41.76, -72.67),
    ("CT", "Stamford"): (41.05, -73.54), ("CT", "New Haven"): (41.31, -72.92),
    ("DE", "Wilmington"): (39.74, -75.55), ("DE", "Dover"): (39.16, -75.52),
    ("FL", "Miami"): (25.76, -80.19), ("FL", "Orlando"): (28.54, -81.38),
    ("FL", "Tampa"): (27.95, -82.46), ("FL", "Jacksonville"): (30.33, -81.66),
    ("GA", "Atlanta"): (33.75, -84.39), ("GA", "Savannah"): (32.08, -81.09),
    ("GA", "Augusta"): (33.47, -81.97), ("HI", "Honolulu"): (21.31, -157.86),
    ("HI", "Hilo"): (19.71, -155.08), ("ID", "Boise"): (43.62, -116.21),
    ("ID", "Idaho Falls"): (43.49, -112.03), ("IL", "Chicago"): (41.88, -87.63),
    ("IL", "Springfield"): (39.78, -89.65), ("IL", "Naperville"): (41.75, -88.15),
    ("IN", "Indianapolis"): (39.77, -86.16), ("IN", "Fort Wayne"): (41.08, -85.14),
    ("IN", "Bloomington"): (39.17, -86.53), ("IA", "Des Moines"): (41.59, -93.62),
    ("IA", "Cedar Rapids"): (41.98, -91.67), ("KS", "Wichita"): (37.69, -97.34),
    ("KS", "Overland Park"): (38.98, -94.67), ("KY", "Louisville"): (38.25, -85.76),
    ("KY", "Lexington"): (38.04, -84.50), ("LA", "New Orleans"): (29.95, -90.07),
    ("LA", "Baton Rouge"): (30.45, -91.19), ("ME", "Portland"): (43.66, -70.26),
    ("ME", "Bangor"): (44.80, -68.77), ("MD", "Baltimore"): (39.29, -76.61),
    ("MD", "Annapolis"): (38.98, -76.49), ("MD", "Rockville"): (39.08, -77.15),
    ("MA", "Boston"): (42.36, -71.06), ("MA", "Cambridge"): (42.37, -71.11),
    ("MA", "Worcester"): (42.26, -71.80), ("MI", "Detroit"): (42.33, -83.05),
    ("MI", "Ann Arbor"): (42.28, -83.74), ("MI", "Grand Rapids"): (42.96, -85.67),
    ("MN", "Minneapolis"): (44.98, -93.27), ("MN", "Saint Paul"): (44.95, -93.09),
    ("MN", "Rochester"): (44.02, -92.47), ("MS", "Jackson"): (32.30, -90.18),
    ("MS", "Gulfport"): (30.37, -89.09), ("MO", "Kansas City"): (39.10, -94.58),
    ("MO", "St. Louis"): (38.63, -90.20), ("MO", "Springfield"): (37.21, -93.29),
    ("MT", "Billings"): (45.78, -108.50), ("MT", "Missoula"): (46.87, -114.00),
    ("MT", "Bozeman"): (45.68, -111.04), ("NE", "Omaha"): (41.26, -95.93),
    ("NE", "Lincoln"): (40.81, -96.70), ("NV", "Las Vegas"): (36.17, -115.14),
    ("NV", "Reno"): (39.53, -119.81), ("NV", "Henderson"): (36.04, -114.98),
    ("NH", "Manchester"): (42.99, -71.46), ("NH", "Nashua"): (42.77, -71.47),
    ("NJ", "Newark"): (40.74, -74.17), ("NJ", "Jersey City"): (40.73, -74.08),
    ("NJ", "Princeton"): (40.36, -74.66), ("NM", "Albuquerque"): (35.08, -106.65),
    ("NM", "Santa Fe"): (35.69, -105.94), ("NY", "New York"): (40.71, -74.01),
    ("NY", "Buffalo"): (42.89, -78.88), ("NY", "Rochester"): (43.16, -77.61),
    ("NY", "Albany"): (42.65, -73.75), ("NC", "Charlotte"): (35.23, -80.84),
    ("NC", "Raleigh"): (35.78, -78.64), ("NC", "Durham"): (35.99, -78.90),
    ("ND", "Fargo"): (46.88, -96.79), ("ND", "Bismarck"): (46.81, -100.78),
    ("OH", "Columbus"): (39.96, -83.00), ("OH", "Cleveland"): (41.50, -81.69),
    ("OH", "Cincinnati"): (39.10, -84.51), ("OK", "Oklahoma City"): (35.47, -97.52),
    ("OK", "Tulsa"): (36.15, -95.99), ("OR", "Portland"): (45.52, -122.68),
    ("OR", "Eugene"): (44.05, -123.09), ("OR", "Salem"): (44.94, -123.04),
    ("PA", "Philadelphia"): (39.95, -75.17), ("PA", "Pittsburgh"): (40.44, -80.00),
    ("PA", "Harrisburg"): (40.27, -76.88), ("RI", "Providence"): (41.82, -71.41),
    ("RI", "Warwick"): (41.70, -71.42), ("SC", "Charleston"): (32.78, -79.93),
    ("SC", "Columbia"): (34.00, -81.03), ("SC", "Greenville"): (34.85, -82.40),
    ("SD", "Sioux Falls"): (43.54, -96.73), ("SD", "Rapid City"): (44.08, -103.23),
    ("TN", "Nashville"): (36.16, -86.78), ("TN", "Memphis"): (35.15, -90.05),
    ("TN", "Knoxville"): (35.96, -83.92), ("TX", "Austin"): (30.27, -97.74),
    ("TX", "Houston"): (29.76, -95.37), ("TX", "Dallas"): (32.78, -96.80),
    ("TX", "San Antonio"): (29.42, -98.49), ("TX", "Fort Worth"): (32.76, -97.33),
    ("UT", "Salt Lake City"): (40.76, -111.89), ("UT", "Provo"): (40.23, -111.66),
    ("UT", "Ogden"): (41.22, -111.97), ("VT", "Burlington"): (44.48, -73.21),
    ("VT", "Montpelier"): (44.26, -72.58), ("VA", "Richmond"): (37.54, -77.44),
    ("VA", "Arlington"): (38.88, -77.10), ("VA", "Virginia Beach"): (36.85, -75.98),
    ("WA", "Seattle"): (47.61, -122.33), ("WA", "Spokane"): (47.66, -117.43),
    ("WA", "Tacoma"): (47.25, -122.44), ("WA", "Redmond"): (47.67, -122.12),
    ("WV", "Charleston"): (38.35, -81.63), ("WV", "Morgantown"): (39.63, -79.96),
    ("WI", "Milwaukee"): (43.04, -87.91), ("WI", "Madison"): (43.07, -89.40),
    ("WI", "Green Bay"): (44.51, -88.02), ("WY", "Cheyenne"): (41.14, -104.82),
    ("WY", "Casper"): (42.87, -106.31),
}

#: Title patterns -> the Topic data category of a knowledge article (else: Policies).
TOPICS = (("Troubleshooting ", "Troubleshooting"), ("Service, Warranty and Support",
                                                    "Warranty_and_Support"),
          ("Getting Started with", "Getting_Started"), ("Pricing and Deal Guidance",
                                                        "Pricing_and_Deals"),
          ("Understanding ", "General_Knowledge"), ("FAQ:", "General_Knowledge"),
          ("Best Practices", "General_Knowledge"))


def add_feature_records(b: OrgBuilder) -> None:
    """Everything this module adds, each part from its own random stream."""
    add_groups(b)
    territories = _territory_members(b)
    add_activity_people(b, territories)
    add_account_locations(b)
    add_account_territories(b, territories)
    add_account_teams(b, territories)
    add_article_categories(b)
    add_list_views(b)


def add_groups(b: OrgBuilder) -> None:
    for name, kind in GROUPS:
        developer = name.replace(" ", "_")
        b.add("Group", Name=name, DeveloperName=developer, Type=kind,
              Email=f"{slug(name)}@{VENDOR_DOMAIN}")


def _territory_members(b: OrgBuilder) -> dict[str, dict[str, Any]]:
    """Territory Id -> {"states": [...], "members": [user Ids], "managers": [user Ids]}."""
    out: dict[str, dict[str, Any]] = {}
    for t in b.records("Territory2"):
        out[t["Id"]] = {"states": (t.get("Description") or "").split(","), "members": [],
                        "managers": []}
    for a in b.records("UserTerritory2Association"):
        entry = out.get(a["Territory2Id"])
        if entry is not None:
            entry["members"].append(a["UserId"])
            if a.get("RoleInTerritory2") == "Territory Manager":
                entry["managers"].append(a["UserId"])
    return out


def _colleagues(user: str, territories: dict[str, dict[str, Any]]) -> list[str]:
    """Managers first, then members, of the user's territories (never the user)."""
    out: list[str] = []
    for t in territories.values():
        if user in t["members"]:
            out += [u for u in t["managers"] + t["members"] if u != user and u not in out]
    return out


def add_activity_people(b: OrgBuilder, territories: dict[str, dict[str, Any]]) -> None:
    """Who an activity is about (the opportunity's contact) and who created it: its owner, or
    for a share of them a territory colleague who delegated it (USING SCOPE delegated)."""
    opportunities = {o["Id"]: o for o in b.records("Opportunity")}
    for obj in ("Task", "Event"):
        rng = b.rng(f"activity-delegation:{obj}")
        for rec in b.records(obj):
            opp = opportunities.get(rec.get("WhatId") or "")
            rec["WhoId"] = opp.get("ContactId") if opp else None
            owner = rec.get("OwnerId")
            creator = owner
            if owner and rng.random() < DELEGATED_SHARE[obj]:
                others = _colleagues(owner, territories)
                if others:
                    creator = others[0] if rng.random() < 0.6 else rng.choice(others)
            rec["CreatedById"] = creator


def add_account_locations(b: OrgBuilder) -> None:
    """The shipping city's coordinates, a few kilometres apart per account."""
    rng = b.rng("account-geolocation")
    for acc in b.records("Account"):
        point = CITY_COORDINATES.get((acc.get("ShippingState") or "",
                                      acc.get("ShippingCity") or ""))
        jitter = (rng.uniform(-0.04, 0.04), rng.uniform(-0.04, 0.04))
        if point is not None:
            acc["ShippingLatitude"] = round(point[0] + jitter[0], 6)
            acc["ShippingLongitude"] = round(point[1] + jitter[1], 6)


def add_account_territories(b: OrgBuilder, territories: dict[str, dict[str, Any]]) -> None:
    """Each account in the territory that covers its shipping state."""
    by_state = {s: tid for tid, t in territories.items() for s in t["states"] if s}
    for acc in b.records("Account"):
        tid = by_state.get(acc.get("ShippingState") or "")
        if tid is not None:
            b.add("ObjectTerritory2Association", ObjectId=acc["Id"], Territory2Id=tid,
                  AssociationCause="Territory2AssignmentRule", SobjectType="Account")


def add_account_teams(b: OrgBuilder, territories: dict[str, dict[str, Any]]) -> None:
    """Account teams for a share of accounts: territory colleagues of the account's owner."""
    rng: random.Random = b.rng("account-teams")
    for acc in b.records("Account"):
        if rng.random() >= TEAM_SHARE or not acc.get("OwnerId"):
            continue
        others = _colleagues(acc["OwnerId"], territories)
        for user in rng.sample(others, min(len(others), rng.randint(1, 2))):
            b.add("AccountTeamMember", AccountId=acc["Id"], UserId=user,
                  TeamMemberRole=rng.choice(TEAM_ROLES))


def add_article_categories(b: OrgBuilder) -> None:
    """Topic from the article's kind (its title), Product from the product it is about."""
    products = sorted(b.records("Product2"), key=lambda p: -len(p.get("Name") or ""))
    for article in b.records("Knowledge__kav"):
        title = article.get("Title") or ""
        topic = next((c for pattern, c in TOPICS if pattern in title), "Policies")
        b.add("Knowledge__DataCategorySelection", ParentId=article["Id"],
              DataCategoryGroupName="Topic", DataCategoryName=topic)
        product = next((p for p in products if p.get("Name") and p["Name"] in title), None)
        if product is not None and product.get("Family"):
            b.add("Knowledge__DataCategorySelection", ParentId=article["Id"],
                  DataCategoryGroupName="Product", DataCategoryName=product["Family"])


def add_list_views(b: OrgBuilder) -> None:
    for view in b.schema.list_views:
        if b.schema.get(view.object) is not None:
            b.add("ListView", Name=view.label, DeveloperName=view.developer_name,
                  SobjectType=view.object)
