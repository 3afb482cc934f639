"""Default record counts: the CRMArena-Pro orgs' sizes (paper Table 6), per org.

The CSV is a copy of ../shared/crmarena-schema/crmarenapro_object_counts.csv; blank paper counts
fall back to the local SQLite counts (ProductCategoryProduct 100, UserTerritory2Association 184).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from sandbox_db.schema import OrgType

COUNTS_CSV = Path(__file__).with_name("crmarenapro_object_counts.csv")


@cache
def target_counts(org: OrgType) -> dict[str, int]:
    """Object -> record count the generator aims for in `org`."""
    column = f"{org}_paper"
    out: dict[str, int] = {}
    with COUNTS_CSV.open(newline="") as fh:
        for row in csv.DictReader(fh):
            value = row[column] or row["b2b_local_sqlite"]
            if value:
                out[row["object"]] = int(value)
    return out
