"""Login sessions: the bearer tokens clients send, bounded in number and in idle time.

A session id looks like Salesforce's (`<org Id>!<secret>`) and maps to the number that names
its log and the API usage `limits` reports. An idle session expires (INVALID_SESSION_ID, which
makes clients log in again); past `max_sessions` the least recently used one is dropped. Every
ended session is reported to `on_end`, so its log gets its end line.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

#: Salesforce's default session timeout.
DEFAULT_SESSION_TTL_S = 2 * 3600.0
DEFAULT_MAX_SESSIONS = 256
#: Salesforce's DailyApiRequests of a developer org; each session gets its own budget here.
DEFAULT_API_LIMIT = 15_000

Clock = Callable[[], float]


@dataclass
class Session:
    """One login. `number` names its log (the episode's trial); `agent` is its User-Agent."""

    id: str = field(repr=False)
    number: int
    agent: str
    created: float
    last_used: float
    api_requests: int = 0


class SessionStore:
    """Thread-safe. `get` answers None for unknown and expired ids alike."""

    def __init__(self, org_id15: str, *, ttl_s: float = DEFAULT_SESSION_TTL_S,
                 max_sessions: int = DEFAULT_MAX_SESSIONS, api_limit: int = DEFAULT_API_LIMIT,
                 clock: Clock = time.monotonic,
                 on_end: Callable[[Session, str], None] | None = None) -> None:
        if ttl_s <= 0 or max_sessions < 1 or api_limit < 1:
            raise ValueError("session ttl, max_sessions and api_limit must be positive")
        self.org_id15 = org_id15
        self.ttl_s = ttl_s
        self.max_sessions = max_sessions
        self.api_limit = api_limit
        self.clock = clock
        self.on_end = on_end
        self._sessions: OrderedDict[str, Session] = OrderedDict()  # least recently used first
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def create(self, agent: str) -> Session:
        now = self.clock()
        session = Session(id=f"{self.org_id15}!{secrets.token_urlsafe(48)}",
                          number=0, agent=agent, created=now, last_used=now)
        with self._lock:
            session.number = next(self._numbers)
            self._sessions[session.id] = session
            evicted = []
            while len(self._sessions) > self.max_sessions:
                evicted.append(self._sessions.popitem(last=False)[1])
        for old in evicted:
            self._ended(old, f"closed: more than {self.max_sessions} sessions")
        return session

    def get(self, session_id: str) -> Session | None:
        """The live session with this id (marked used now), else None."""
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.last_used > self.ttl_s:
                del self._sessions[session_id]
                expired = session
            else:
                session.last_used = now
                self._sessions.move_to_end(session_id)
                return session
        self._ended(expired, f"expired after {self.ttl_s:g}s idle")
        return None

    def sweep(self) -> int:
        """End every expired session now; returns how many."""
        now = self.clock()
        with self._lock:
            expired = [s for s in self._sessions.values() if now - s.last_used > self.ttl_s]
            for s in expired:
                del self._sessions[s.id]
        for s in expired:
            self._ended(s, f"expired after {self.ttl_s:g}s idle")
        return len(expired)

    def close_all(self, reason: str) -> None:
        with self._lock:
            ended = list(self._sessions.values())
            self._sessions.clear()
        for s in ended:
            self._ended(s, reason)

    def __len__(self) -> int:
        return len(self._sessions)

    def _ended(self, session: Session, reason: str) -> None:
        if self.on_end is not None:
            self.on_end(session, reason)
