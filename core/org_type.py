"""The two kinds of org: B2B and B2C (the CRMArena-Pro split)."""

from __future__ import annotations

from typing import Literal

OrgType = Literal["b2b", "b2c"]
ORG_TYPES: tuple[OrgType, ...] = ("b2b", "b2c")
