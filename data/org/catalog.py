"""The product catalog: products, categories, price books and price book entries."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from data.org import vocab
from data.org.builder import OrgBuilder

_PRODUCT_BLURBS = {
    "Hardware": "A rack-ready {root_lower} appliance built for reliable, around-the-clock "
                "operation.",
    "Software": "A {root_lower} platform that helps teams automate and monitor their daily work.",
    "Services": "A managed {root_lower} service delivered by our certified engineers.",
    "Accessories": "A {root_lower} accessory compatible with our hardware line.",
}


@dataclass
class Catalog:
    """Catalog facts the sales and service steps need."""

    #: product Id -> (PricebookEntry Id, list price)
    prices: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: product Id -> family
    families: dict[str, str] = field(default_factory=dict)
    standard_pricebook: str = ""

    @property
    def sellable(self) -> list[str]:
        return list(self.prices)


def make_catalog(b: OrgBuilder, counts: dict[str, int]) -> Catalog:
    rng = b.rng("catalog")
    catalog = Catalog()
    n_products = counts.get("Product2", 51)
    names: list[tuple[str, str]] = []
    seen: set[str] = set()
    roots = list(vocab.PRODUCT_ROOTS)
    stems: dict[str, int] = {}
    while len(names) < n_products:
        prefix, root = rng.choice(vocab.PRODUCT_PREFIXES), rng.choice(roots)
        name = f"{prefix}{root} {rng.choice(vocab.PRODUCT_SUFFIXES)}"
        if name in seen or stems.get(prefix + root, 0) >= 2:  # allow look-alikes, not clones
            continue
        seen.add(name)
        stems[prefix + root] = stems.get(prefix + root, 0) + 1
        names.append((name, root))
    n_entries = min(counts.get("PricebookEntry", n_products), n_products)
    standard = b.add("Pricebook2", Name="Standard Price Book",
                     Description="The standard list prices.",
                     IsActive=True, IsStandard=True, ValidFrom=dt.datetime(2020, 1, 1),
                     ValidTo=dt.datetime(2025, 12, 31, 23, 59, 59))
    if counts.get("Pricebook2", 2) > 1:
        b.add("Pricebook2", Name="Legacy Price Book 2019", IsActive=False, IsStandard=False,
              Description="Prices before the 2020 catalog refresh; kept for reference.",
              ValidFrom=dt.datetime(2019, 1, 1), ValidTo=dt.datetime(2019, 12, 31, 23, 59, 59))
    catalog.standard_pricebook = standard
    for i, (name, root) in enumerate(names):
        family = vocab.PRODUCT_ROOTS[root]
        active = i < n_entries
        pid = b.add("Product2", Name=name, ProductCode=product_code(b, rng, name),
                    Description=_PRODUCT_BLURBS[family].format(root_lower=root.lower()),
                    Family=family, External_ID__c=f"EXT-{rng.randint(100000, 999999)}",
                    IsActive=active)
        catalog.families[pid] = family
        if active:
            low, high = vocab.PRICE_RANGES[family]
            price = round(rng.uniform(low, high) / 5) * 5 - 0.01 * rng.choice((0, 0, 1))
            entry = b.add("PricebookEntry", Name=name, Pricebook2Id=standard, Product2Id=pid,
                          UnitPrice=round(price, 2), IsActive=True)
            catalog.prices[pid] = (entry, round(price, 2))
    make_categories(b, counts, catalog)
    return catalog


def product_code(b: OrgBuilder, rng: random.Random, name: str) -> str:
    """The name's initials and an unused catalog number ("SP-4821")."""
    initials = "".join(w[0] for w in name.replace("-", " ").split()).upper()
    taken = {p.get("ProductCode") for p in b.records("Product2")}
    while (code := f"{initials}-{rng.randint(1000, 9999)}") in taken:
        pass
    return code


def make_categories(b: OrgBuilder, counts: dict[str, int], catalog: Catalog) -> None:
    """Every product in one category, plus extra memberships up to the target link count."""
    rng = b.rng("categories")
    names: tuple[str, ...] = vocab.B2B_CATEGORIES if b.org == "b2b" else vocab.B2C_CATEGORIES
    names = names[:counts.get("ProductCategory", len(names))]
    catalog_id = "0ZSWt000000CtLgOAK"
    cat_ids = [b.add("ProductCategory", Name=n, CatalogId=catalog_id) for n in names]
    products = list(catalog.families)
    links: set[tuple[str, str]] = set()
    for i, pid in enumerate(products):
        links.add((cat_ids[i % len(cat_ids)], pid))
    target = counts.get("ProductCategoryProduct", len(products))
    while len(links) < min(target, len(products) * len(cat_ids)):
        links.add((rng.choice(cat_ids), rng.choice(products)))
    order = {pid: i for i, pid in enumerate(products)}
    for cat, pid in sorted(links, key=lambda link: (order[link[1]], link[0])):
        b.add("ProductCategoryProduct", ProductCategoryId=cat, ProductId=pid)
