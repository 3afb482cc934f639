"""A view that remembers results (the task builder's) answers a repeated statement from memory
with the same result, keeps nothing that failed, and stays within its bound; agents' views never
remember."""

from __future__ import annotations

import pytest

from data.org.store import shared_org
from sandbox_db.database import open_view
from sandbox_db.errors import SalesforceError


def test_a_repeated_statement_is_answered_from_memory() -> None:
    db = shared_org("b2b")
    sql = f'SELECT "Id", "Name" FROM {db.base_table("Account")} WHERE "Name" LIKE $1 ORDER BY 1'
    with open_view(db, remember_results=2) as view:
        assert view.remember is not None
        first = view.execute(sql, ["A%"])
        again = view.execute(sql, ["A%"])
        assert first == again and first[1]
        assert (view.remember.hits, view.remember.misses) == (1, 1)
        again[1].clear()  # a caller's copy: the remembered result is not changed
        assert view.execute(sql, ["A%"]) == first
        assert view.execute(sql, ["B%"]) != first  # the parameters are part of the key
        with pytest.raises(SalesforceError):
            view.execute(f'SELECT "No_Such" FROM {db.base_table("Account")}')
        with pytest.raises(SalesforceError):  # a failure is run again, not remembered
            view.execute(f'SELECT "No_Such" FROM {db.base_table("Account")}')
        view.execute(sql, ["C%"])
        assert len(view.remember) == 2  # the bound
    with open_view(db) as plain:
        assert plain.remember is None
