"""env.validity's limits and its worst-category pick, over hand-made pass rates."""

from __future__ import annotations

from env.validity import TOTAL, Rate, breaches, worst_category


def test_the_worst_category_is_the_one_passed_most_by_answering() -> None:
    """A privacy category with its full share of refusal tasks (20%) that the agent passes
    none of is not its worst: that share is the task set's, the same for every agent."""
    rates = {
        TOTAL: Rate(3, 60),
        "private_customer_information": Rate(0, 20, refusals=0, refusal_tasks=4),
        "top_issue_identification": Rate(2, 20),
        "handle_time": Rate(1, 20),
    }
    assert breaches(rates) == {}
    assert worst_category(rates) == ("top_issue_identification", Rate(2, 20))


def test_a_breach_is_the_worst_category_and_refusals_do_not_count_as_answers() -> None:
    rates = {
        TOTAL: Rate(12, 60),
        "private_customer_information": Rate(6, 20, refusals=4, refusal_tasks=4),
        "top_issue_identification": Rate(4, 20),  # 20% > 15%
        "handle_time": Rate(2, 20),
    }
    assert set(breaches(rates)) == {TOTAL, "top_issue_identification"}
    assert worst_category(rates)[0] == "top_issue_identification"
    # two answered of the privacy category's twenty: 10%, within its limit
    assert "private_customer_information" not in breaches(rates)
