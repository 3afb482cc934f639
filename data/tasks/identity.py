"""What results.json and every episode log say about the task set an assessment ran on.

Why a commitment and not the seed: with a secret seed (env.task_seed), the seed decides every
gold answer, so it must never be published; a hash of it still lets the operator show later
which seed ran (and two results show whether they ran on the same set). The org and task-set
versions say which generator and which org content produced the tasks.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

PUBLIC_LABEL = "public practice set"


class OrgTaskSetVersion(BaseModel):
    """The versions of one org's part of the set (data.tasks.seeded.SeededTaskSet)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: The org's content version, e.g. "b2b-g1-3f9a0c1d2e4b" (no seed in it).
    org_version: str
    #: "public-<hash of the committed file>" or "gen-<hash of the task generator's code>".
    task_set_version: str


class TaskSetIdentity(BaseModel):
    """The task set's identity: a commitment to its seed, whether it is the public practice
    set, and the versions of its orgs and tasks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    public: bool
    #: "sha256:<hex>" of the seed, or "hmac-sha256:<hex>" keyed by the operator's secret.
    seed_commitment: str
    orgs: dict[str, OrgTaskSetVersion]

    def describe(self) -> str:
        """One line for summaries and reports."""
        if self.public:
            return PUBLIC_LABEL
        return f"fresh task set (seed commitment {self.seed_commitment[:27]}…)"
