"""SOQL and SOSL over the episode's DuckDB views, with Salesforce's result and error shapes.

    run_soql(view, "SELECT Name, Account.Name FROM Contact LIMIT 5", today=date(2024, 6, 1))
    run_sosl(view, "FIND {acme*} RETURNING Account(Name)", today=...)
    run_statement(view, text, today=...)   # FIND ... is SOSL, anything else SOQL
    run_soql_page(view, query, today=..., start=2000, size=2000)  # later pages (query locators)
    rewrite_soql(query, schema_from, schema_to, object_map, field_map)  # names under drift

Every failure is a `sandbox_db.errors.SalesforceError`; no DuckDB or Python error text escapes.
Modules: dialect (sqlglot SOQL dialect), translate (allowlisted SOQL -> DuckDB SQL plan), dates
(date literals), execute (run a plan on an OrgView), results (REST shapes), sosl, rewrite, cache.
"""

from __future__ import annotations

from sandbox_db.soql.execute import run_soql, run_soql_page, run_statement, translation_cache
from sandbox_db.soql.rewrite import rewrite_soql
from sandbox_db.soql.sosl import run_sosl

__all__ = ["run_soql", "run_soql_page", "run_sosl", "run_statement", "rewrite_soql",
           "translation_cache"]
