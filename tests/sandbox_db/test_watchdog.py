"""The shared query watchdog: expired deadlines interrupt, disarmed ones never do."""

import threading
import time

from sandbox_db.watchdog import Watchdog


def test_expired_deadline_interrupts_once() -> None:
    fired = threading.Event()
    calls: list[float] = []
    dog = Watchdog()
    started = time.monotonic()
    dog.arm(0.05, lambda: (calls.append(time.monotonic() - started), fired.set()))
    assert fired.wait(2.0)
    time.sleep(0.05)
    assert len(calls) == 1 and calls[0] >= 0.05


def test_disarmed_deadline_never_interrupts() -> None:
    calls: list[str] = []
    dog = Watchdog()
    token = dog.arm(0.05, lambda: calls.append("late"))
    dog.disarm(token)
    marker = threading.Event()
    dog.arm(0.1, marker.set)  # a later deadline proves the thread ran past the first one
    assert marker.wait(2.0)
    assert calls == []


def test_deadlines_fire_in_order_not_arming_order() -> None:
    order: list[str] = []
    done = threading.Event()
    dog = Watchdog()
    dog.arm(0.2, lambda: (order.append("slow"), done.set()))
    dog.arm(0.05, lambda: order.append("fast"))
    assert done.wait(2.0)
    assert order == ["fast", "slow"]
