"""An assessment's progress as A2A status updates: in order, one at a time, paced.

Why: the runner reports every finished episode, and each status update costs the green's event
loop an A2A event (a message, a task-store copy, a stream write) while episodes wait for it:
at 40 episodes a second that was a tenth of the loop's time. A progress line superseded before
it was sent is not sent; the rest go out at most every `interval_s`, except the last, which goes
as soon as the assessment ends.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable


class ProgressPump:
    """`note(text)` from synchronous callbacks; `close()` sends what is left and stops."""

    def __init__(self, send: Callable[[str], Awaitable[None]], interval_s: float = 0.2) -> None:
        self._send = send
        self._interval_s = interval_s
        #: (text, superseded by the next progress line)
        self._pending: list[tuple[str, bool]] = []
        self._wake = asyncio.Event()
        self._end = asyncio.Event()
        self._worker = asyncio.create_task(self._run(), name="progress-pump")

    def note(self, text: str, *, progress: bool = True) -> None:
        """Queue `text`; a `progress` line replaces a progress line still waiting (any other
        text, such as "resuming: ...", is always sent)."""
        if progress and self._pending and self._pending[-1][1]:
            self._pending[-1] = (text, True)
        else:
            self._pending.append((text, progress))
        self._wake.set()

    async def _run(self) -> None:
        while True:
            if not self._end.is_set():
                await self._wake.wait()
            self._wake.clear()
            ready, self._pending = self._pending, []  # what arrives meanwhile waits its turn
            for text, _ in ready:
                await self._send(text)
            if self._end.is_set() and not self._pending:
                return
            with contextlib.suppress(TimeoutError):  # the pace; the end does not wait for it
                await asyncio.wait_for(self._end.wait(), self._interval_s)

    async def close(self, timeout_s: float = 10.0) -> None:
        """Send what is waiting (within `timeout_s`), then stop."""
        self._end.set()
        self._wake.set()
        done, _ = await asyncio.wait({self._worker}, timeout=timeout_s)
        if not done:
            self._worker.cancel()
