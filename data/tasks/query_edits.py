"""Edits a hurried solver makes to a reference query: every date window dropped.

Why here: the careless reference agent (env.agents.careless) replays reference solutions with
these edits, and the task generator's heuristics (data.tasks.heuristics) ask what that lazy
answer would be, so both read one implementation.
"""

from __future__ import annotations

import re

_DATE_VALUE = re.compile(r"\b\d{4}-\d{2}-\d{2}|\b(?:LAST|NEXT|THIS)_[A-Z0-9_]+\b|"
                         r"\b(?:TODAY|YESTERDAY|TOMORROW)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"\b(GROUP\s+BY|ORDER\s+BY|LIMIT|OFFSET|HAVING|WITH|FOR)\b", re.IGNORECASE)


def _depths(text: str) -> list[int]:
    """Paren depth of each character; characters inside string literals get -1."""
    out, depth, in_str, i = [], 0, False, 0
    while i < len(text):
        ch = text[i]
        if in_str:
            out.append(-1)
            if ch == "\\" and i + 1 < len(text):
                out.append(-1)
                i += 2
                continue
            if ch == "'":
                in_str = False
        elif ch == "'":
            in_str = True
            out.append(-1)
        elif ch == "(":
            out.append(depth)
            depth += 1
        elif ch == ")":
            depth -= 1
            out.append(depth)
        else:
            out.append(depth)
        i += 1
    return out


def drop_date_windows(query: str) -> str:
    """`query` without the AND-ed conditions that compare against a date."""
    depths = _depths(query)
    for m in reversed(list(re.finditer(r"\bWHERE\b", query, re.IGNORECASE))):
        d = depths[m.start()]
        if d < 0:
            continue
        start = m.end()
        end = start
        while end < len(query) and depths[end] >= d or (end < len(query) and depths[end] == -1):
            if depths[end] == d and _CLAUSE_END.match(query, end):
                break
            end += 1
        body = query[start:end]
        body_depths = depths[start:end]
        parts, last = [], 0
        for am in re.finditer(r"\s+AND\s+", body, re.IGNORECASE):
            if body_depths[am.start()] == d:
                parts.append(body[last:am.start()])
                last = am.end()
        if any(re.search(r"\s+OR\s+", p, re.IGNORECASE) and
               body_depths[body.find(p)] == d for p in parts):
            continue
        parts.append(body[last:])
        kept = [p.strip() for p in parts if not _DATE_VALUE.search(p)]
        if len(kept) == len(parts):
            continue
        replacement = (" " + " AND ".join(kept) + " ") if kept else " "
        prefix = query[:m.start()] if kept else query[:m.start()].rstrip() + " "
        where = query[m.start():m.end()] + replacement if kept else ""
        query = prefix + where + query[end:].lstrip()
        depths = _depths(query)
    return re.sub(r"\s+", " ", query).strip()
