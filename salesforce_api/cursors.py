"""Server-side query locators: what `nextRecordsUrl` points at.

A query with more rows than one batch opens a cursor: the statement, its total and the batch
size, owned by the session that ran it. `nextRecordsUrl` is host-relative,
`/services/data/v{v}/query/<locator>-<position>`, the locator a Salesforce-like `01g` + 15
characters, so jsforce (which keeps only the last path segment) and simple_salesforce (which
prepends the host) both find it. Later pages re-run the statement for rows
[position, position + batch): the org is read-only and every statement has a total order, so
pages never overlap or skip. Cursors expire when idle, at most `per_session` per session (the
oldest goes first, like Salesforce's open-cursor limit) and `max_total` in all. Another
session's, an expired or an unknown locator is INVALID_QUERY_LOCATOR, the same answer for each.
"""

from __future__ import annotations

import re
import secrets
import string
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from sandbox_db.errors import ErrorCode, SalesforceError

#: Salesforce keeps an idle query locator for 15 minutes.
DEFAULT_CURSOR_TTL_S = 15 * 60.0
DEFAULT_PER_SESSION = 10
DEFAULT_MAX_TOTAL = 1000
_ALPHABET = string.ascii_letters + string.digits
_SEGMENT_RE = re.compile(r"^(01g[A-Za-z0-9]{15})-(\d{1,9})$")


@dataclass
class Cursor:
    locator: str
    session_id: str
    query: str
    total: int
    batch: int
    last_used: float


def invalid_locator() -> SalesforceError:
    return SalesforceError(ErrorCode.INVALID_QUERY_LOCATOR, "invalid query locator")


def parse_segment(segment: str) -> tuple[str, int]:
    """`01g...-2000` -> (locator, position); INVALID_QUERY_LOCATOR when it is not one."""
    match = _SEGMENT_RE.match(segment)
    if match is None:
        raise invalid_locator()
    return match.group(1), int(match.group(2))


class CursorStore:
    """Thread-safe store of open cursors, keyed by locator."""

    def __init__(self, *, ttl_s: float = DEFAULT_CURSOR_TTL_S,
                 per_session: int = DEFAULT_PER_SESSION, max_total: int = DEFAULT_MAX_TOTAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.per_session = per_session
        self.max_total = max_total
        self.clock = clock
        self._cursors: OrderedDict[str, Cursor] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()

    def open(self, session_id: str, query: str, total: int, batch: int) -> str:
        """A new locator for `query` (whose whole result has `total` rows) in this session."""
        locator = "01g" + "".join(secrets.choice(_ALPHABET) for _ in range(15))
        with self._lock:
            self._drop_expired()
            mine = [c for c in self._cursors.values() if c.session_id == session_id]
            for old in mine[:max(0, len(mine) - self.per_session + 1)]:
                del self._cursors[old.locator]
            while len(self._cursors) >= self.max_total:
                self._cursors.popitem(last=False)
            self._cursors[locator] = Cursor(locator, session_id, query, total, batch,
                                            self.clock())
        return locator

    def get(self, session_id: str, locator: str, position: int) -> Cursor:
        """The session's live cursor for a page starting at `position` (0 <= position < total)."""
        with self._lock:
            self._drop_expired()
            cursor = self._cursors.get(locator)
            if cursor is None or cursor.session_id != session_id \
                    or not 0 <= position < cursor.total:
                raise invalid_locator()
            cursor.last_used = self.clock()
            self._cursors.move_to_end(locator)
            return cursor

    def drop_session(self, session_id: str) -> None:
        with self._lock:
            for locator in [k for k, c in self._cursors.items() if c.session_id == session_id]:
                del self._cursors[locator]

    def sweep(self) -> None:
        with self._lock:
            self._drop_expired()

    def __len__(self) -> int:
        return len(self._cursors)

    def _drop_expired(self) -> None:
        now = self.clock()
        while self._cursors:
            oldest = next(iter(self._cursors.values()))
            if now - oldest.last_used <= self.ttl_s:
                break
            del self._cursors[oldest.locator]
