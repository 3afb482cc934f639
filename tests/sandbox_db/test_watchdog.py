"""The shared query watchdog: expired deadlines interrupt, disarmed ones never do."""

import threading
import time

from sandbox_db.watchdog import Watchdog


def test_expired_deadline_interrupts_until_disarmed() -> None:
    """DuckDB forgets an interrupt that lands before a statement executes, so an expired
    deadline is interrupted again and again until disarmed; disarm says it had expired."""
    again = threading.Event()
    calls: list[float] = []
    dog = Watchdog()
    started = time.monotonic()

    def interrupt() -> None:
        calls.append(time.monotonic() - started)
        if len(calls) == 3:
            again.set()

    token = dog.arm(0.05, interrupt)
    assert again.wait(2.0)
    assert dog.disarm(token) is True
    count = len(calls)
    time.sleep(0.05)
    assert len(calls) == count and calls[0] >= 0.05


def test_disarm_before_the_deadline_says_not_expired() -> None:
    dog = Watchdog()
    assert dog.disarm(dog.arm(5.0, lambda: None)) is False


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
    slow = dog.arm(0.2, lambda: (order.append("slow"), done.set()))
    fast = dog.arm(0.05, lambda: order.append("fast"))
    assert done.wait(2.0)
    dog.disarm(slow), dog.disarm(fast)
    assert list(dict.fromkeys(order)) == ["fast", "slow"]  # first calls (then it repeats)


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
    first = dog.arm(0.05, lambda: None)
    for _ in range(200):
        dog.disarm(dog.arm(30.0, lambda: None))
    last = dog.arm(0.1, fired.set)
    assert CountingCondition.notified == 1
    assert fired.wait(2.0)
    dog.disarm(first), dog.disarm(last)
