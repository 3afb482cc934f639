"""The playground's state: which episode org is open (org, drift, rot, seed, today, task), the
output mode, and running one statement on it the way the agent's tools do.

Why it mirrors env.episode exactly: the org an agent sees is `build_episode_org(load_org(org),
EpisodeOrgConfig(org, drift, rot, seed, today), task)` where `today` is the config's date override
(None: the task's own date plans the rot), and its statements resolve date literals against the
override, else the task's date, else today (UTC). The playground builds that same view, so a
query pasted from an episode log gives the agent's result here, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from core.levels import DEFAULT_ENTROPY_SEED
from data.org import DEFAULT_SEED
from data.org.store import load_org
from data.tasks import load_task_set
from entropy import DriftLevel, EpisodeOrg, EpisodeOrgConfig, RotLevel, build_episode_org
from sandbox_db.errors import SalesforceError
from sandbox_db.ids import is_valid_id
from sandbox_db.schema import ORG_TYPES, OrgSchema, OrgType
from sandbox_db.soql import run_statement

if TYPE_CHECKING:
    from data.tasks.model import Task
    from entropy import DriftPlan
    from sandbox_db.database import OrgDatabase, OrgView

OutputMode = Literal["table", "json"]

#: The entropy seed of an episode when the assessment does not set one (env.config.DEFAULT_SEED).
DEFAULT_EPISODE_SEED = DEFAULT_ENTROPY_SEED

_ID_RE = re.compile(r"\b[0-9A-Za-z]{15}(?:[0-9A-Za-z]{3})?\b")


def _default_org_seed() -> int:
    return DEFAULT_SEED


class SessionSettings(BaseModel):
    """Everything that decides the org the playground shows (an episode's EpisodeConfig + task)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    org: OrgType = "b2b"
    drift: DriftLevel = "none"
    rot: RotLevel = "none"
    seed: int = DEFAULT_EPISODE_SEED
    #: Overrides the task's date (as EpisodeConfig.today does); None: the task's, else today.
    today: dt.date | None = None
    task_id: str | None = None
    #: Seed of the base org (load_org); episodes use the default.
    org_seed: int | None = None
    #: The User statements run as (USING SCOPE mine, ...); None: the org's default running user.
    user: str | None = None


@dataclass(frozen=True)
class StatementOutcome:
    """One statement's result or Salesforce error, and how long it took."""

    text: str
    result: dict[str, Any] | None
    error: SalesforceError | None
    elapsed_s: float

    @property
    def ok(self) -> bool:
        return self.error is None

    def payload(self) -> Any:
        """Exactly what the agent's tool would return: the result, or the error list."""
        return self.result if self.error is None else self.error.to_json()


@dataclass(frozen=True)
class IdInPlay:
    """An Id a task names (in its context or as a rot target), with what it points to."""

    id: str
    object: str | None
    label: str | None


def find_task(task_id: str, prefer: OrgType) -> Task:
    """The task with this id from the committed task sets (the preferred org's set first)."""
    for org in (prefer, *[o for o in ORG_TYPES if o != prefer]):
        try:
            tasks = load_task_set(org)
        except FileNotFoundError:
            continue
        for task in tasks:
            if task.id == task_id:
                return task
    raise ValueError(f"no task {task_id!r} in the b2b or b2c task set")


def task_ids(org: OrgType) -> list[str]:
    """Ids of the org's committed tasks (for completion); empty when the set is missing."""
    try:
        return [t.id for t in load_task_set(org)]
    except FileNotFoundError:
        return []


class PlaygroundSession:
    """One open episode org plus the REPL's settings. Changing a setting builds a new org first
    and only then drops the old one, so a bad value leaves the session as it was."""

    def __init__(self, settings: SessionSettings | None = None,
                 output: OutputMode = "table") -> None:
        self.output: OutputMode = output
        self._dbs: dict[tuple[str, int], OrgDatabase] = {}
        self.settings = SessionSettings()
        self.task: Task | None = None
        self.episode: EpisodeOrg | None = None
        self.build_seconds = 0.0
        self.settings, self.task, self.episode = self._build(settings or SessionSettings())

    # ------------------------------------------------------------------ state
    @property
    def view(self) -> OrgView:
        assert self.episode is not None, "session is closed"
        return self.episode.view

    @property
    def schema(self) -> OrgSchema:
        """The agent-visible (drifted) schema."""
        return self.view.schema

    @property
    def base_schema(self) -> OrgSchema:
        return self.view.db.schema

    @property
    def plan(self) -> DriftPlan:
        assert self.episode is not None, "session is closed"
        return self.episode.plan

    @property
    def today(self) -> dt.date:
        """The date date literals resolve against (env.episode.episode_today)."""
        return self._today(self.settings, self.task)

    @property
    def today_source(self) -> str:
        if self.settings.today is not None:
            return "set"
        return "task" if self.task is not None and self.task.today is not None else "today (UTC)"

    @staticmethod
    def _today(settings: SessionSettings, task: Task | None) -> dt.date:
        return settings.today or (task.today if task is not None else None) or \
            dt.datetime.now(dt.UTC).date()

    def describe_state(self) -> str:
        s = self.settings
        task = f" task={self.task.id}" if self.task is not None else ""
        user = self.view.running_user() or {}
        return (f"org={s.org} drift={s.drift} rot={s.rot} seed={s.seed} "
                f"today={self.today.isoformat()}{task} user={user.get('Id')} "
                f"({user.get('Name')})")

    # ------------------------------------------------------------------ changes
    def update(self, **changes: Any) -> None:
        """Apply setting changes (org, drift, rot, seed, today, task_id); raises ValueError with a
        clear message on a bad value, leaving the current org open and unchanged."""
        if "task_id" in changes and changes["task_id"] is not None:
            chosen = find_task(str(changes["task_id"]), changes.get("org", self.settings.org))
            changes["org"] = chosen.org
            changes.setdefault("today", None)  # a loaded task brings its own date
        elif "org" in changes and self.task is not None and changes["org"] != self.task.org:
            changes["task_id"] = None  # the task belongs to the other org
        try:
            settings = SessionSettings.model_validate({**self.settings.model_dump(), **changes})
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                 for e in exc.errors())
            raise ValueError(problems) from None
        new_settings, task, episode = self._build(settings)
        old = self.episode
        self.settings, self.task, self.episode = new_settings, task, episode
        if old is not None:
            old.close()

    def _db(self, org: OrgType, org_seed: int | None) -> OrgDatabase:
        seed = _default_org_seed() if org_seed is None else org_seed
        key = (org, seed)
        if key not in self._dbs:
            self._dbs[key] = load_org(org, seed)
        return self._dbs[key]

    def _build(self, settings: SessionSettings) -> tuple[SessionSettings, Task | None, EpisodeOrg]:
        task = find_task(settings.task_id, settings.org) if settings.task_id else None
        if task is not None and task.org != settings.org:
            raise ValueError(f"task {task.id} is for the {task.org} org, not {settings.org}")
        db = self._db(settings.org, settings.org_seed)
        if settings.user is not None and db.user(settings.user) is None:
            raise ValueError(f"user {settings.user!r} is not a User of the {settings.org} org")
        config = EpisodeOrgConfig(org=settings.org, drift=settings.drift, rot=settings.rot,
                                  seed=settings.seed, today=settings.today,
                                  running_user_id=settings.user)
        started = time.perf_counter()
        episode = build_episode_org(db, config, task)
        self.build_seconds = time.perf_counter() - started
        return settings, task, episode

    # ------------------------------------------------------------------ statements
    def run(self, text: str) -> StatementOutcome:
        """Run one SOQL or SOSL statement (FIND ... is SOSL) exactly as the agent's tools do."""
        statement = text.strip().rstrip(";").strip()
        started = time.perf_counter()
        try:
            result = run_statement(self.view, statement, today=self.today)
        except SalesforceError as exc:
            return StatementOutcome(statement, None, exc, time.perf_counter() - started)
        return StatementOutcome(statement, result, None, time.perf_counter() - started)

    def ids_in_play(self) -> list[IdInPlay]:
        """The Ids the loaded task names (context text, then rot targets), each resolved to its
        visible object and name through the episode's own view."""
        if self.task is None:
            return []
        found = [m for m in _ID_RE.findall(f"{self.task.query}\n{self.task.required_context}")
                 if is_valid_id(m)]
        found += [t.record_id for t in self.task.rot_targets]
        return [self._resolve_id(i) for i in dict.fromkeys(found)]

    def _resolve_id(self, record_id: str) -> IdInPlay:
        base = self.base_schema.by_key_prefix(record_id[:3])
        if base is None:
            return IdInPlay(record_id, None, None)
        visible_name = self.plan.visible_object(base.name)
        obj = self.schema.get(visible_name)
        name_field = obj.name_field if obj is not None else None
        label = None
        if obj is not None and name_field is not None:
            outcome = self.run(f"SELECT {name_field.name} FROM {obj.name} WHERE Id = '{record_id}'")
            records = (outcome.result or {}).get("records") or []
            label = str(records[0].get(name_field.name)) if records else "(not in this org)"
        return IdInPlay(record_id, visible_name, label)

    def close(self) -> None:
        if self.episode is not None:
            self.episode.close()
            self.episode = None
        for db in self._dbs.values():
            db.close()
        self._dbs.clear()

    def __enter__(self) -> PlaygroundSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
