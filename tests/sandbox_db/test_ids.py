"""Record Ids: Salesforce's case-safe suffix, and the running number an Id encodes."""

from __future__ import annotations

import pytest

from sandbox_db.ids import is_valid_id, make_id, record_number, to_18


def test_the_case_safe_suffix_is_salesforces() -> None:
    assert to_18("0019000000B98de") == "0019000000B98deAAB"  # a worked example on the web
    assert to_18("0019000000B98deAAB") == "0019000000B98deAAB"
    assert is_valid_id("0019000000B98deAAB")
    assert not is_valid_id("0019000000B98deAAC")


@pytest.mark.parametrize("number", [1, 61, 62, 123_456_789, 62**10 - 1])
def test_an_id_gives_back_its_number(number: int) -> None:
    record_id = make_id("001", number)
    assert is_valid_id(record_id)
    assert record_number(record_id) == number


def test_a_string_that_is_no_id_is_named() -> None:
    with pytest.raises(ValueError, match="not a record Id: '001Wt0000-8M0kXIAS'"):
        record_number("001Wt0000-8M0kXIAS")
