"""Query deadlines with one shared thread.

A `threading.Timer` per query costs a thread start (~0.5 ms, a third of a small query's time).
One daemon thread holding a heap of deadlines interrupts only the cursors whose deadline passed.

DuckDB forgets an interrupt that arrives while a statement is not yet executing (still being
planned, or not started because the calling thread was descheduled on a busy machine): the
statement then runs to its end. So an expired deadline is interrupted again every
`REPEAT_S` until it is disarmed, and `disarm` tells whether the deadline passed at all.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable

#: Seconds between interrupts of a statement whose deadline passed, until it is disarmed.
REPEAT_S = 0.01


class Watchdog:
    """Calls `interrupt()` for each armed deadline that expires before it is disarmed."""

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._heap: list[tuple[float, int]] = []
        self._active: dict[int, Callable[[], object]] = {}
        self._expired: dict[int, bool] = {}
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, timeout_s: float, interrupt: Callable[[], object]) -> int:
        """Schedule `interrupt` in `timeout_s` seconds; returns a token for `disarm`."""
        token = next(self._ids)
        entry = (time.monotonic() + timeout_s, token)
        with self._cv:
            self._active[token] = interrupt
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="query-watchdog",
                                                daemon=True)
                self._thread.start()
            # Wake the thread only for a new earliest deadline: it already wakes in time for
            # any later one, and a wake-up per query costs a thread switch per query.
            if self._heap[0] == entry:
                self._cv.notify()
        return token

    def disarm(self, token: int) -> bool:
        """Cancel a deadline; after this returns its interrupt is never called. True when the
        deadline had passed (its interrupt was called at least once)."""
        with self._cv:
            self._active.pop(token, None)
            return self._expired.pop(token, False)

    def _run(self) -> None:
        while True:
            with self._cv:
                while self._heap and self._heap[0][1] not in self._active:
                    heapq.heappop(self._heap)  # drop disarmed entries
                if not self._heap:
                    self._cv.wait()
                    continue
                deadline, token = self._heap[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    self._cv.wait(delay)
                    continue
                heapq.heappop(self._heap)
                interrupt = self._active.get(token)
                if interrupt is not None:
                    self._expired[token] = True
                    heapq.heappush(self._heap, (time.monotonic() + REPEAT_S, token))
                    interrupt()


#: The process-wide watchdog every OrgView uses.
WATCHDOG = Watchdog()
