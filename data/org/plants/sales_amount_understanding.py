"""Planter for sales_amount_understanding: link each base order to the contract it fulfils.

Why: the Sales Amount Policy counts an order when its contract's company signed date falls in
the period asked about. The base generator writes each won deal's contract and order together
(same account, order start date = contract start date); this makes that link an explicit
Order.ContractId so the policy is answerable with one query.
"""

from __future__ import annotations

from data.org.builder import OrgBuilder


def plant(builder: OrgBuilder) -> None:
    waiting: dict[tuple[object, object], list[str]] = {}
    for contract in builder.records("Contract"):
        waiting.setdefault((contract.get("AccountId"), contract.get("StartDate")), []).append(
            contract["Id"])
    for order in builder.records("Order"):
        if order.get("ContractId"):
            continue
        queue = waiting.get((order.get("AccountId"), order.get("EffectiveDate")))
        if queue:
            order["ContractId"] = queue.pop(0)
