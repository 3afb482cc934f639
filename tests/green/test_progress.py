"""ProgressPump: status updates in order, one at a time; a progress line superseded while it
waited is not sent, other lines always are, and the last line goes out as the assessment ends
(not after the pace's interval)."""

from __future__ import annotations

import asyncio
import time

from green.progress import ProgressPump


async def test_superseded_progress_is_dropped_and_the_rest_sent_in_order() -> None:
    sent: list[str] = []

    async def send(text: str) -> None:
        await asyncio.sleep(0.01)  # a stream write takes a while
        sent.append(text)

    pump = ProgressPump(send, interval_s=1.0)
    pump.note("resuming: 3 of 100 episodes kept", progress=False)
    for done in range(1, 101):
        pump.note(f"task {done}/100")
        if done == 50:
            pump.note("a warning", progress=False)
        await asyncio.sleep(0.001)
    started = time.perf_counter()
    await pump.close()
    assert time.perf_counter() - started < 0.5  # the last line did not wait for the pace
    assert sent[0] == "resuming: 3 of 100 episodes kept"
    assert sent[-1] == "task 100/100" and "a warning" in sent
    progress = [int(t.split()[1].split("/")[0]) for t in sent if t.startswith("task ")]
    assert progress == sorted(progress) and len(progress) <= 4  # paced, in order
    assert sent.index("a warning") > sent.index(f"task {max(p for p in progress if p <= 50)}/100")


async def test_every_line_is_sent_when_they_come_slower_than_the_pace() -> None:
    sent: list[str] = []

    async def send(text: str) -> None:
        sent.append(text)

    pump = ProgressPump(send, interval_s=0.01)
    for done in range(1, 6):
        pump.note(f"task {done}/5")
        await asyncio.sleep(0.03)
    await pump.close()
    assert sent == [f"task {done}/5" for done in range(1, 6)]


async def test_lines_noted_while_the_last_ones_are_sent_still_go_out_at_the_end() -> None:
    sent: list[str] = []
    sending = asyncio.Event()

    async def send(text: str) -> None:
        sending.set()
        await asyncio.sleep(0.05)
        sent.append(text)

    pump = ProgressPump(send, interval_s=10.0)
    pump.note("task 1/3")
    await sending.wait()  # "task 1/3" is being sent
    pump.note("task 2/3")
    pump.note("done", progress=False)
    closing = asyncio.ensure_future(pump.close())
    pump.note("task 3/3")
    await asyncio.wait_for(closing, 2)
    assert sent == ["task 1/3", "task 2/3", "done", "task 3/3"]
