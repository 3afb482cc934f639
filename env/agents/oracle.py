"""The oracle: replays a task's reference solution as real tool calls, adapting to drift.

Reference solutions are written in base API names. When the org may be drifted, the oracle
first learns the visible names from describe (describeGlobal when objects may be renamed, then
each object it needs) by matching labels and key prefixes, which drift never changes; it then
rewrites each reference call into visible names (sandbox_db.soql.rewrite_soql over the schema
the learned renames imply), runs it, translates the result keys back to
base names, applies the task's derivation and submits. With `drift=None` (unknown, e.g. behind
A2A) it tries the calls as written and switches to discovery on the first name error.
Privacy tasks are refused.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import data.tasks.categories  # noqa: F401 - registers the categories' derivations
from data.tasks.reference import derive
from env.agents.base import Observation, Script, ScriptedAgent, call, submit
from env.agents.names_map import NameMap, needed_objects
from sandbox_db.schema import load_schema

if TYPE_CHECKING:
    from data.tasks.model import Task
    from sandbox_db.schema import OrgSchema

NAME_ERRORS = frozenset({"INVALID_FIELD", "INVALID_TYPE", "NOT_FOUND"})

Call = tuple[str, dict[str, Any]]
#: A step of a script that returns a value: yields tool calls, gets observations.
Step = Generator[dict[str, Any], Observation, Any]


class Replayer:
    """Runs base-name calls in a possibly drifted org: rewrite, run, retry after discovery."""

    def __init__(self, base: OrgSchema, calls: list[Call], drift: str | None) -> None:
        self.base = base
        self.calls = calls
        self.names = NameMap(base)
        self.drift = drift
        self.discovered = False

    def discover(self, describe_global: bool) -> Step:
        self.discovered = True
        if describe_global:
            obs = yield call("describe")
            if obs.error is None and isinstance(obs.body, dict):
                self.names.learn_global(obs.body)
        for obj in needed_objects(self.base, self.calls):
            obs = yield call("describe", object=self.names.visible_object(obj))
            if obs.error is None and isinstance(obs.body, dict):
                self.names.learn_object(obj, obs.body)
        self.names.finish()

    def start(self) -> Step:
        if self.drift not in (None, "none"):
            yield from self.discover(describe_global=self.drift == "high")

    def run(self, tool: str, args: dict[str, Any]) -> Step:
        """The call's result in base names, or None when it failed."""
        while True:
            obs: Observation = yield call(tool, **self.names.rewrite(tool, args))
            if obs.error in NAME_ERRORS and not self.discovered:
                yield from self.discover(describe_global=True)
                continue  # retry with the learned names
            if obs.error is not None:
                return None
            if tool == "describe":
                obj = self.base.get(args.get("object") or "")
                return obj.describe() if obj else self.base.describe_global()
            return self.names.to_base(obs.body)


#: Optionally rewrites the reference calls before they run (the careless agent's sloppiness);
#: may itself issue calls through the replayer.
Prepare = Callable[["Task", Replayer, list[Call]], Step]


def replay_script(task: Task, drift: str | None, prepare: Prepare | None = None) -> Script:
    if task.reward_metric == "privacy_rejection":
        yield submit(None, refuse=True)
        return
    if task.reference is None:
        yield submit(["None"])
        return
    calls = [(s.name, dict(s.arguments)) for s in task.reference.steps]
    replayer = Replayer(load_schema(task.org), calls, drift)
    yield from replayer.start()
    if prepare is not None:
        calls = yield from prepare(task, replayer, calls)
    results: list[Any] = []
    for tool, args in calls:
        result = yield from replayer.run(tool, args)
        if result is None:
            yield submit(["None"])
            return
        results.append(result)
    try:
        answer = derive(task.reference, results)
    except Exception:  # noqa: BLE001 - a careless variant may feed a derivation odd results
        answer = ["None"]
    yield submit(answer)


def oracle_agent(drift: str | None = None) -> ScriptedAgent:
    """`drift`: the assessment's drift level when known ("none" skips discovery), else None."""
    return ScriptedAgent("oracle", lambda task, trial: replay_script(task, drift))
