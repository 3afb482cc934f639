"""Task seeds the tests build fresh orgs and task sets from (fixed, so a CI run builds each once
and every test that needs a fresh set shares its cache)."""

from __future__ import annotations

FRESH_SEEDS = (1001, 2002)
