"""Salesforce-style record Ids: 15-char case-sensitive body plus the 3-char case-safe suffix."""

from __future__ import annotations

import re

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
#: The "pod" characters after the key prefix, as in the CRMArena-Pro org ("001Wt...").
POD = "Wt"
ID_RE = re.compile(r"^[a-zA-Z0-9]{3}[a-zA-Z0-9]{12}[A-Z0-5]{3}$")


_DIGIT = {ch: i for i, ch in enumerate(_BASE62)}
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def case_safe_suffix(id15: str) -> str:
    """Salesforce's checksum: one char per 5-char chunk, a bitmap of its uppercase letters."""
    return "".join(_SUFFIX[sum(1 << i for i, ch in enumerate(id15[start:start + 5])
                               if ch in _UPPER)] for start in (0, 5, 10))


def make_id(key_prefix: str, number: int, pod: str = POD) -> str:
    """The `number`-th Id of an object with `key_prefix`: 18 chars, deterministic, valid."""
    if len(key_prefix) != 3:
        raise ValueError(f"key prefix must be 3 chars: {key_prefix!r}")
    digits = []
    n = number
    for _ in range(10):
        n, r = divmod(n, 62)
        digits.append(_BASE62[r])
    if n:
        raise ValueError(f"record number too large: {number}")
    body = key_prefix + pod + "".join(reversed(digits))
    return body + case_safe_suffix(body)


def record_number(record_id: str) -> int:
    """The running number make_id encoded in an Id (its 10 base-62 digits after the prefix and
    the pod): where a record sits in its object's Id sequence."""
    number = 0
    try:
        for ch in record_id[5:15]:
            number = number * 62 + _DIGIT[ch]
    except KeyError:
        raise ValueError(f"not a record Id: {record_id!r}") from None
    return number


def is_valid_id(value: str) -> bool:
    """True when `value` is an 18-char Id whose suffix matches its body."""
    return bool(ID_RE.match(value)) and case_safe_suffix(value[:15]) == value[15:]


def to_18(id15_or_18: str) -> str:
    """Normalise a 15- or 18-char Id to 18 chars (SOQL accepts both)."""
    if len(id15_or_18) == 15:
        return id15_or_18 + case_safe_suffix(id15_or_18)
    return id15_or_18
