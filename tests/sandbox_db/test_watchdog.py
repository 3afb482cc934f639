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


def test_later_deadlines_do_not_wake_the_thread() -> None:
    """One wake-up per query would cost a thread switch per query; only a new earliest
    deadline needs one, and a later one still fires on time."""

    class CountingCondition(threading.Condition):
        notified = 0

        def notify(self, n: int = 1) -> None:
            CountingCondition.notified += 1
            super().notify(n)

    dog = Watchdog()
    dog._cv = CountingCondition()
    fired = threading.Event()
    dog.arm(0.05, lambda: None)
    for _ in range(200):
        dog.disarm(dog.arm(30.0, lambda: None))
    dog.arm(0.1, fired.set)
    assert CountingCondition.notified == 1
    assert fired.wait(2.0)
