"""Look-alike values for distractor rows: near-namesake names, duplicate-looking people,
look-alike users, perturbed numbers. Pure functions of their input and a seeded Random."""

from __future__ import annotations

import random
import re

NICKNAMES: dict[str, tuple[str, ...]] = {
    "john": ("Jon", "Johnny"), "jon": ("John",), "michael": ("Micheal", "Mike"),
    "katherine": ("Catherine", "Kathryn"), "catherine": ("Katherine",), "steven": ("Stephen",),
    "stephen": ("Steven",), "sara": ("Sarah",), "sarah": ("Sara",), "jeffrey": ("Geoffrey",),
    "brian": ("Bryan",), "bryan": ("Brian",), "anne": ("Ann",), "ann": ("Anne",),
    "mohammed": ("Mohammad", "Muhammad"), "aisha": ("Ayesha",), "maria": ("Mariah", "Marie"),
    "elena": ("Helena", "Elaina"), "wei": ("Way",), "liam": ("William",), "olga": ("Olya",),
    "grace": ("Gracie",), "samuel": ("Sam", "Samual"), "noah": ("Noa",), "carlos": ("Karlos",),
    "priya": ("Priyah",), "omar": ("Omer",), "fatima": ("Fatimah",), "kenji": ("Kenjiro",),
    "jane": ("Jayne", "Janet"),
}

COMPANY_SUFFIXES = ("Inc.", "Inc", "LLC", "Corp", "Corp.", "Corporation", "Group", "Ltd.", "Ltd",
                    "Co.", "Holdings")
PRODUCT_TAILS = ("X", "2", "Plus", "II", "Max", "SE", "Go")
COMPANY_TAILS = ("Holdings", "Group", "(EMEA)", "International", "Partners", "Services")
ARTICLE_TAILS = ("- FAQ", "(Enterprise)", "(EU)", "for Partners", "- Quick Guide", "(Self-Service)")


def _split_camel(word: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", word)


def name_variants(name: str, rng: random.Random, style: str = "company") -> list[str]:
    """Near-namesakes of a company/product/article name; prefix-preserving ones first (so a
    careless `LIKE 'Name%'` matches them), then respaced/re-suffixed ones, shuffled per rng."""
    words = name.split()
    product = style != "company"
    tails = list({"product": PRODUCT_TAILS, "article": ARTICLE_TAILS}.get(style, COMPANY_TAILS))
    rng.shuffle(tails)
    if not product and words and words[-1] in COMPANY_SUFFIXES:
        stem = " ".join(words[:-1])
        prefixed = [f"{name} {t}" for t in ("(EMEA)", "(APAC)", "(Canada)")]
        prefixed += [f"{stem} {t} {words[-1]}" for t in tails if not t.startswith("(")]
    else:
        prefixed = [f"{name} {t}" for t in tails]
    other: list[str] = []
    spaced = " ".join(_split_camel(w) for w in words)
    if spaced != name:
        other.append(spaced)
    if len(words) >= 2 and words[0][:1].isupper() and words[1][:1].isupper():
        other.append(words[0] + words[1] + (" " + " ".join(words[2:]) if words[2:] else ""))
    if words and words[-1] in COMPANY_SUFFIXES:
        for s in COMPANY_SUFFIXES:
            if s != words[-1]:
                other.append(" ".join([*words[:-1], s]))
    elif not product:
        other.append(f"{name} Inc.")
    if len(words) >= 2:
        other.append(" ".join(words[:-1]) + "-" + words[-1])
    rng.shuffle(other)
    out: list[str] = []
    # interleave: the first variant keeps the prefix, later ones alternate
    for i in range(max(len(prefixed), len(other))):
        for pool in (prefixed, other):
            if i < len(pool) and pool[i] != name and pool[i] not in out:
                out.append(pool[i])
    return out


def typo(word: str, rng: random.Random) -> str:
    """A plausible misspelling: a doubled, dropped or swapped letter."""
    if len(word) < 3:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("double", "drop", "swap"))
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:] if word[i] != word[i + 1] else \
        word[:i] + word[i] + word[i:]


def lookalike_person(first: str, last: str, rng: random.Random) -> tuple[str, str]:
    """A different person whose name is easy to confuse with (first, last)."""
    choice = rng.random()
    nick = NICKNAMES.get(first.lower())
    if nick and choice < 0.5:
        return rng.choice(nick), last
    if choice < 0.75:
        return first, typo(last, rng)
    return typo(first, rng), last


def email_variant(email: str | None, first: str, last: str, rng: random.Random) -> str:
    """A different address that plausibly belongs to the same-named person."""
    domain = email.split("@", 1)[1] if email and "@" in email else "example.com"
    f, last_ = re.sub(r"\W", "", first.lower()), re.sub(r"\W", "", last.lower())
    options = [f"{f[:1]}{last_}@{domain}", f"{f}.{last_}{rng.randrange(2, 99)}@{domain}",
               f"{last_}.{f}@{domain}",
               f"{f}{last_}@{rng.choice(('mail.com', 'outlook.com', 'proton.me'))}",
               f"{f}_{last_}@{domain}"]
    options = [o for o in options if o != (email or "").lower()]
    return rng.choice(options)


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
