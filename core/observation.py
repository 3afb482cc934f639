"""How an observation is rendered for the agent: compact JSON, trimmed to a size limit.

Shared by the environment (every observation) and the task builder, which rejects a draft task
whose reference results would not fit in one observation.
"""

from __future__ import annotations

import json
from typing import Any

#: Maximum characters of one observation body (about 16k tokens); larger results are trimmed
#: with a note. Sized so that every reference solution's result fits even under high context
#: rot (the largest, transcripts of one opportunity, is ~43 KB), while one careless
#: `SELECT ... FROM Case` without a filter cannot flood the agent's context.
OBSERVATION_LIMIT = 64_000


def render_payload(payload: Any, limit: int = OBSERVATION_LIMIT) -> tuple[str, str | None]:
    """Compact JSON of `payload`, trimmed to `limit` characters; returns (text, note or None).

    Trimming keeps the JSON valid: the longest record/field list is cut to the longest prefix
    that fits, and the note says how many items are shown.
    """
    text = _dumps(payload)
    if len(text) <= limit:
        return text, None
    key = _longest_list_key(payload)
    if key is not None:
        items = payload[key]
        lo, hi = 0, len(items)
        while lo < hi:  # largest prefix that fits
            mid = (lo + hi + 1) // 2
            if len(_dumps({**payload, key: items[:mid]})) <= limit:
                lo = mid
            else:
                hi = mid - 1
        trimmed = {**payload, key: items[:lo]}
        if "done" in trimmed:
            trimmed["done"] = False
        return _dumps(trimmed), (f"truncated: {lo} of {len(items)} {key} shown "
                                 f"({limit} character limit); make the request more selective")
    return (text[:limit], f"truncated: first {limit} of {len(text)} characters shown; "
                          "make the request more selective")


def _longest_list_key(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    lists = [(len(_dumps(v)), k) for k, v in payload.items() if isinstance(v, list) and v]
    return max(lists)[1] if lists else None


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)
