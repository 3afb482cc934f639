"""Entropy that is real: schema drift as per-episode renamed views, context rot as distractor
rows; both seeded, reproducible, and never changing a task's gold answer.

    plan = plan_drift(schema, "medium", seed=7, must_rename=task.referenced_fields)
    visible_schema, base_names = plan.apply(schema)
    rows = plan_rot(db_or_data, schema, task.rot_targets, "high", seed=7)
    org = build_episode_org(db, EpisodeOrgConfig(org="b2b", drift="low", rot="low", seed=7), task)
"""

from entropy.drift import BaseNames, DriftPlan, plan_drift
from entropy.episode_org import (
    EpisodeOrg,
    EpisodeOrgConfig,
    ReferenceRunner,
    build_episode_org,
    build_view,
    episode_rot,
    verify_rot,
)
from entropy.levels import LEVELS, DriftLevel, RotLevel
from entropy.rot import (
    RotGroup,
    default_rot_targets,
    iter_references,
    merge_groups,
    plan_rot,
    plan_rot_groups,
)

__all__ = [
    "LEVELS", "BaseNames", "DriftLevel", "DriftPlan", "EpisodeOrg", "EpisodeOrgConfig",
    "ReferenceRunner", "RotGroup", "RotLevel", "build_episode_org", "build_view",
    "default_rot_targets", "episode_rot", "iter_references", "merge_groups", "plan_drift",
    "plan_rot", "plan_rot_groups", "verify_rot",
]
