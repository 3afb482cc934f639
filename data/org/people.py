"""Users (agents), territories, accounts and contacts of the generated org.

Agents split into sales reps (own accounts, leads and opportunities; belong to territories) and
service agents (own cases), so routing and workload questions have a clear population.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field

from data.org import vocab
from data.org.builder import ORG_END, ORG_START, OrgBuilder, business_datetime
from data.org.text import ACCOUNT_DESCRIPTIONS

#: The vendor whose org this is: agents' email domain.
VENDOR_DOMAIN = "cirrusworks.com"
#: Share of agents that work in service (own cases) rather than sales.
SERVICE_SHARE = 0.33


@dataclass
class People:
    """Who is who, for the later generation steps."""

    sales_reps: list[str] = field(default_factory=list)
    service_agents: list[str] = field(default_factory=list)
    #: state code -> sales reps of the territory covering it
    reps_by_state: dict[str, list[str]] = field(default_factory=dict)
    #: account Id -> its contact Ids
    contacts_by_account: dict[str, list[str]] = field(default_factory=dict)


#: Free mail providers (person accounts, consumer leads).
MAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com")
#: How people write their addresses (local-part template, weight): at work, and at home.
WORK_EMAIL: dict[str, int] = {"{i}{last}": 6, "{first}.{last}": 3, "{first}{last}": 1,
                              "{first}_{last}": 1}
HOME_EMAIL: dict[str, int] = {"{first}.{last}{n}": 5, "{first}{last}{n}": 2, "{i}{last}{n}": 2,
                              "{first}_{last}{n}": 1}


def email_address(rng: random.Random, first: str, last: str, domain: str) -> str:
    """An address for the person at `domain`, written the way people there write them (a home
    address when `domain` is a free mail provider). Context rot draws duplicates' addresses
    from here too, so their shape gives nothing away."""
    patterns = HOME_EMAIL if domain in MAIL_DOMAINS else WORK_EMAIL
    template = rng.choices(list(patterns), list(patterns.values()))[0]
    f, la = slug(first), slug(last)
    return template.format(first=f, last=la, i=f[:1], n=rng.randint(1, 99)) + "@" + domain


def user_login(first: str, last: str) -> dict[str, str]:
    """A user's Email, Username and Alias: the vendor's standard for every agent."""
    email = f"{slug(first)}.{slug(last)}@{VENDOR_DOMAIN}"
    return {"Email": email, "Username": email + ".crm", "Alias": (first[:1] + last)[:8].lower()}


def phone(rng: random.Random) -> str:
    return f"({rng.randint(201, 989)}) {rng.randint(200, 989)}-{rng.randint(0, 9999):04d}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def unique_names(rng: random.Random, n: int,
                 taken: set[str] | None = None) -> list[tuple[str, str]]:
    """`n` distinct (first, last) pairs."""
    taken = set() if taken is None else taken
    out: list[tuple[str, str]] = []
    while len(out) < n:
        first, last = rng.choice(vocab.FIRST_NAMES), rng.choice(vocab.LAST_NAMES)
        if f"{first} {last}" not in taken:
            taken.add(f"{first} {last}")
            out.append((first, last))
    return out


def make_users(b: OrgBuilder, count: int, people: People) -> None:
    rng = b.rng("users")
    profiles = {"Standard User": "00eWt000001AbCdIAK", "System Administrator": "00eWt000001AbCeIAK"}
    for i, (first, last) in enumerate(unique_names(rng, count)):
        uid = b.add(
            "User", Name=f"{first} {last}", FirstName=first, LastName=last,
            **user_login(first, last), Phone=phone(rng),
            ProfileId=profiles["System Administrator" if i < 2 else "Standard User"],
            IsActive=rng.random() > 0.03,
            TimeZoneSidKey=rng.choice(("America/Los_Angeles", "America/Denver", "America/Chicago",
                                       "America/New_York")),
            LocaleSidKey="en_US", EmailEncodingKey="UTF-8", LanguageLocaleKey="en_US")
        (people.service_agents if rng.random() < SERVICE_SHARE else people.sales_reps).append(uid)


def make_territories(b: OrgBuilder, association_count: int, people: People) -> None:
    """Territories by region; every sales rep in one, the rest of the associations as extras."""
    rng = b.rng("territories")
    territory_ids: dict[str, str] = {}
    for name, states in vocab.TERRITORIES.items():
        territory_ids[name] = b.add("Territory2", Name=name, Description=",".join(states))
    names = list(vocab.TERRITORIES)
    members: dict[str, list[str]] = {n: [] for n in names}
    reps = list(people.sales_reps)
    rng.shuffle(reps)
    for i, rep in enumerate(reps):
        members[names[i % len(names)]].append(rep)
    extra = max(0, association_count - len(reps))
    for rep in rng.sample(reps, min(extra, len(reps))):
        other = rng.choice([n for n in names if rep not in members[n]])
        members[other].append(rep)
    for name in names:
        for j, rep in enumerate(members[name]):
            b.add("UserTerritory2Association", Territory2Id=territory_ids[name], UserId=rep,
                  RoleInTerritory2="Territory Manager" if j == 0 else "Sales Representative")
            for state in vocab.TERRITORIES[name]:
                people.reps_by_state.setdefault(state, []).append(rep)


def pick_state(rng: random.Random) -> str:
    return rng.choices(vocab.STATE_CODES, weights=list(vocab.STATE_WEIGHTS.values()))[0]


def make_b2b_accounts(b: OrgBuilder, count: int, people: People) -> None:
    rng = b.rng("accounts")
    used: set[str] = set()
    while len(used) < count:
        industry = rng.choice(vocab.B2B_INDUSTRIES)
        name = " ".join(filter(None, (rng.choice(vocab.COMPANY_PREFIXES),
                                      rng.choice(vocab.COMPANY_ROOTS[industry]),
                                      rng.choice(vocab.COMPANY_SUFFIXES))))
        if name in used or any(name.split()[0] == u.split()[0] and name.split()[1] == u.split()[1]
                               for u in used):
            continue
        used.add(name)
        state = pick_state(rng)
        state_name, cities = vocab.STATES[state]
        city = rng.choice(cities)
        employees = int(rng.choice((25, 60, 150, 400, 1200, 5000, 20000)) * rng.uniform(0.6, 1.6))
        size = "small" if employees < 200 else "mid-sized" if employees < 2000 else "large"
        description = rng.choice(ACCOUNT_DESCRIPTIONS).format(
            name=name, size=size, industry_lower=industry.lower(), city=city, state=state,
            state_name=state_name)
        b.add("Account", Name=name, Description=description, Industry=industry,
              NumberOfEmployees=employees, Phone=phone(rng), ShippingState=state,
              ShippingCity=city, OwnerId=rng.choice(people.reps_by_state[state]),
              CreatedDate=business_datetime(rng, ORG_START, ORG_START + dt.timedelta(days=540)))


def make_b2c_accounts(b: OrgBuilder, count: int, people: People) -> None:
    """Person accounts: one customer per account."""
    rng = b.rng("accounts")
    record_type = "012Wt000000PerAIAS"
    for first, last in unique_names(rng, count):
        state = pick_state(rng)
        b.add("Account", Name=f"{first} {last}", FirstName=first, LastName=last,
              PersonEmail=email_address(rng, first, last, rng.choice(MAIL_DOMAINS)),
              Phone=phone(rng), RecordTypeId=record_type, ShippingState=state,
              ShippingCity=rng.choice(vocab.STATES[state][1]),
              OwnerId=rng.choice(people.reps_by_state[state]),
              CreatedDate=business_datetime(rng, ORG_START, dt.datetime(2023, 6, 30)))


def account_domain(account: dict) -> str:
    words = [w for w in account["Name"].split() if w not in vocab.COMPANY_SUFFIXES]
    return slug("".join(words[:2])) + ".com"


def make_contacts(b: OrgBuilder, count: int, people: People) -> None:
    """B2B: several contacts per company; B2C: the person account's own contact."""
    rng = b.rng("contacts")
    accounts = b.records("Account")
    latest = ORG_END - dt.timedelta(days=60)
    if b.org == "b2c":
        for acc in accounts[:count]:
            cid = b.add("Contact", Name=acc["Name"], FirstName=acc["FirstName"],
                        LastName=acc["LastName"], Email=acc["PersonEmail"], Phone=acc["Phone"],
                        AccountId=acc["Id"], OwnerId=acc["OwnerId"],
                        CreatedDate=acc["CreatedDate"])
            people.contacts_by_account.setdefault(acc["Id"], []).append(cid)
        return
    per_account = spread(rng, len(accounts), count, minimum=2)
    taken: set[str] = set()
    for acc, n in zip(accounts, per_account, strict=True):
        domain = account_domain(acc)
        for first, last in unique_names(rng, n, taken):
            created = business_datetime(rng, acc["CreatedDate"] + dt.timedelta(days=1),
                                        min(acc["CreatedDate"] + dt.timedelta(days=900), latest))
            cid = b.add("Contact", Name=f"{first} {last}", FirstName=first, LastName=last,
                        Email=email_address(rng, first, last, domain), Phone=phone(rng),
                        Title=rng.choice(vocab.JOB_TITLES), AccountId=acc["Id"],
                        OwnerId=acc["OwnerId"], CreatedDate=created)
            people.contacts_by_account.setdefault(acc["Id"], []).append(cid)


def spread(rng: random.Random, parents: int, total: int, minimum: int = 0) -> list[int]:
    """Split exactly `total` children over `parents` (each gets at least `minimum`)."""
    if parents == 0:
        return []
    base = min(minimum, total // parents)
    counts = [base] * parents
    for _ in range(total - base * parents):
        counts[rng.randrange(parents)] += 1
    return counts
