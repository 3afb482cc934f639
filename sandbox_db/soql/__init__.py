"""SOQL and SOSL over the episode's DuckDB views, with Salesforce's result and error shapes.

    run_soql(view, "SELECT Name, Account.Name FROM Contact LIMIT 5", today=date(2024, 6, 1))
    run_sosl(view, "FIND {acme*} RETURNING Account(Name)", today=...)
    run_statement(view, text, today=...)   # FIND ... is SOSL, anything else SOQL
    rewrite_soql(query, schema_from, schema_to, object_map, field_map)  # names under drift

Every failure is a `sandbox_db.errors.SalesforceError`; no DuckDB or Python error text escapes.
Statements run as the view's running user (`OrgView.running_user_id`, else the org's default).
Modules: dialect (Salesforce's clause grammar over sqlglot), translate (allowlisted SOQL -> DuckDB
SQL plan), paths (field paths, polymorphic Name object, compound fields), functions (FORMAT,
toLabel, convertCurrency, DISTANCE), filters (USING SCOPE, WITH DATA CATEGORY, list views),
context (visible <-> base names), dates (date literals), plan, execute (run a plan on an
OrgView), results (REST shapes), sosl + search_terms, rewrite, cache.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sandbox_db.database import OrgView
from sandbox_db.soql.execute import is_sosl, run_soql, run_soql_page, translation_cache
from sandbox_db.soql.rewrite import rewrite_soql
from sandbox_db.soql.sosl import run_sosl

__all__ = ["run_soql", "run_soql_page", "run_sosl", "run_statement", "rewrite_soql",
           "translation_cache"]


def run_statement(view: OrgView, text: str, *, today: dt.date) -> dict[str, Any]:
    """SOSL when the statement starts with FIND (case-insensitive), otherwise SOQL.

    Here rather than in execute: sosl builds on execute, so only a module above both can
    dispatch to either without an import cycle."""
    if isinstance(text, str) and is_sosl(text):
        return run_sosl(view, text, today=today)
    return run_soql(view, text, today=today)
