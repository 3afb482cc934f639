"""Look-alike values for distractor rows, written only the way the base org writes its own:
near-namesakes from the words the object's names use, addresses in the org's address patterns,
numbers changed digit by digit. Pure functions of their input and a seeded Random."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence

from data.org.people import email_address

#: Words a look-alike may take that no name of the object uses: in a small catalogue of unique
#: words ("Battery Drain", "Mountain") any word swapped in from another name is shared, so a
#: look-alike's words would be commoner than its original's, and a one-word name's look-alikes
#: would all have two words.
SPARE_WORDS: dict[str, tuple[str, ...]] = {
    "Territory2": ("Rockies", "Midwest", "Northeast", "Heartland", "Tidewater", "Appalachia",
                   "Coast", "Basin", "Valley", "Prairie", "Frontier", "Delta", "Upstate"),
    "Issue__c": ("Fault", "Glitch", "Timeout", "Crash", "Delay", "Mismatch", "Freeze", "Lag",
                 "Dropout", "Defect", "Conflict", "Rejection", "Loss", "Stall"),
}


def namesakes(name: str, names: Sequence[str], rng: random.Random,
              spare: Sequence[str] = ()) -> list[str]:
    """Near-namesakes of `name` in the object's own words: one word (never the first) swapped
    for a word other names of as many words have at that place, next to the same neighbour
    where there is one. "Apex Analytics Inc." gives "Apex Analytics LLC"; "HyperDock Hub:
    Warranty FAQ" gives "HyperDock Pro: Warranty FAQ" (a template's fixed words stay). A swap
    is drawn by how alike the two words are in length and in how many names use them, so that
    look-alikes are no longer, shorter, rarer or commoner than names are. In order: swaps of
    words other names use too next to an unchanged neighbour, then anywhere; then (a small
    catalogue of unique names: "Pacific West") a `spare` word no name uses for a word no other
    name uses ("Battery Drain" gives "Battery Fault"), then any word names have at that place.
    A one-word name ("Mountain") gets a spare one-word name first ("Rockies"), then a last word
    two-word names end with ("Mountain West"). All but those one-word ones keep the first word
    (a careless `LIKE '%Apex%'` matches them)."""
    words = name.split()
    shared = Counter(w for n in names for w in set(n.split()))
    unused = [w for w in dict.fromkeys(spare) if w not in shared]
    if len(words) == 1:
        words = [*words, ""]  # the place a last word goes
        alike = [n.split() for n in names if len(n.split()) == 2]
    else:
        alike = [n.split() for n in names if len(n.split()) == len(words)]

    def swaps(k: int, tier: int) -> set[str]:
        if tier < 2 and shared[words[k]] < 2:
            return set()
        return {w[k] for w in alike if w[k] != words[k] and (tier == 2 or shared[w[k]] >= 2) and (
            tier > 0 or w[k - 1] == words[k - 1]
            or (k + 1 < len(words) and w[k + 1] == words[k + 1]))}

    def likeness(word: str, mine: str, uses: int) -> float:
        return min(max(1, shared[mine]), uses) / max(max(1, shared[mine]), uses) / \
            (1 + abs(len(word) - len(mine))) ** 3

    def drawn(swaps: list[tuple[int, str, int]]) -> list[tuple[int, str]]:
        """(place, word, names using it) in a weighted order without replacement (a larger
        likeness tends to come first)."""
        keyed = [(rng.random() ** (1 / likeness(w, words[k], uses)), k, w) for k, w, uses in swaps]
        return [(k, w) for _, k, w in sorted(keyed, reverse=True)]

    places = range(1, len(words))
    out: list[str] = []
    if not words[-1]:
        out += [w for _, w in drawn([(0, w, 1) for w in unused])]
    tiers = [[(k, w, shared[w]) for k in places for w in sorted(swaps(k, 0))],
             [(k, w, shared[w]) for k in places for w in sorted(swaps(k, 1))],
             [(k, w, 1) for k in places if words[k] and shared[words[k]] < 2 for w in unused],
             [(k, w, shared[w]) for k in places for w in sorted(swaps(k, 2))]]
    for tier in tiers:
        for k, word in drawn(tier):
            variant = " ".join(w for w in [*words[:k], word, *words[k + 1:]] if w)
            if variant not in out and variant != name:
                out.append(variant)
    return out


def email_like(email: str | None, first: str, last: str, rng: random.Random) -> str:
    """An address the same-named person could have at the same domain, drawn as the org draws
    its addresses (data.org.people.email_address): now and then the very same one, as real
    duplicate records often share it."""
    domain = email.split("@", 1)[1] if email and "@" in email else "example.com"
    return email_address(rng, first, last, domain)


def mutate_digits(value: str, rng: random.Random, keep: int = 0) -> str:
    """Same shape, different digits (after the first `keep` digits): numbers, phones, codes."""
    digits = [i for i, c in enumerate(value) if c.isdigit()][keep:]
    if not digits:
        return f"{value}-{rng.randrange(2, 9)}"
    chars = list(value)
    for _ in range(10):
        for i in digits[-4:]:
            chars[i] = str(rng.randrange(10))
        if "".join(chars) != value:
            break
    return "".join(chars)


def perturb_numbers(text: str | None, rng: random.Random) -> str | None:
    """Stale content: every number in the text replaced by a plausible different one."""
    if not text:
        return text

    def swap(m: re.Match[str]) -> str:
        n = int(m.group())
        return str(max(1, n + rng.choice((-5, -3, -2, 2, 3, 5, 7))) if n != 0 else 1)

    return re.sub(r"(?<![\w.])\d{1,4}(?![\w.])", swap, text)
