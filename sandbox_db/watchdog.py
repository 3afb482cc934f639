"""Query deadlines with one shared thread.

A `threading.Timer` per query costs a thread start (~0.5 ms, a third of a small query's time).
One daemon thread holding a heap of deadlines interrupts only the cursors whose deadline passed.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable


class Watchdog:
    """Calls `interrupt()` for each armed deadline that expires before it is disarmed."""

    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._heap: list[tuple[float, int]] = []
        self._active: dict[int, Callable[[], object]] = {}
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

    def disarm(self, token: int) -> None:
        """Cancel a deadline; after this returns its interrupt is never called."""
        with self._cv:
            self._active.pop(token, None)

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
                interrupt = self._active.pop(token, None)
                if interrupt is not None:
                    interrupt()


#: The process-wide watchdog every OrgView uses.
WATCHDOG = Watchdog()
