"""Auto-numbers from creation times: a sequence hands out the next free number; a record added
later among records already numbered (context rot) takes the nearest free one either way."""

from __future__ import annotations

import datetime as dt

from data.org.creation import Numbering, auto_number_at

T0 = dt.datetime(2021, 3, 1, 12, 0)


def _numbered(minutes: int) -> Numbering:
    """A numbering that has handed out one order item a minute for `minutes` minutes."""
    numbering = Numbering()
    for k in range(minutes):
        numbering.auto_number("OrderItem", T0 + dt.timedelta(minutes=k))
    return numbering


def test_a_sequence_numbers_a_collision_past_the_taken_ones() -> None:
    numbering = _numbered(5)
    late = numbering.auto_number("OrderItem", T0 + dt.timedelta(minutes=1))
    assert int(late) == auto_number_at("OrderItem", T0) + 5


def test_an_added_record_takes_the_nearest_free_number_either_way() -> None:
    numbering = _numbered(5)
    at = T0 + dt.timedelta(minutes=1)
    assert numbering.number_shift("OrderItem", at) == 2  # one before the first, not past all
    added = numbering.auto_number("OrderItem", at, nearest=True)
    assert int(added) == auto_number_at("OrderItem", T0) - 1
    assert numbering.number_shift("OrderItem", at) == 3  # two before the first, now
    assert numbering.number_shift("OrderItem", T0 + dt.timedelta(minutes=9)) == 0  # free
    assert numbering.number_shift("Account", at) == 0  # no auto-number
