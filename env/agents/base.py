"""Scripted in-process agents: a Python generator per episode that yields tool calls and is
sent back each observation's parsed JSON.

This keeps a reference agent's logic linear ("describe, then query, then submit") while the
environment stays in charge of the loop. Replies are plain dicts, exactly what a remote agent's
data part would carry.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from env.messages import split_observation

if TYPE_CHECKING:
    from data.tasks.model import Task

#: A script yields tool-call dicts and receives `Observation`s.
Script = Generator[dict[str, Any], "Observation", None]


@dataclass(frozen=True)
class Observation:
    """One observation as an in-process agent reads it."""

    header: str
    body: Any

    @property
    def error(self) -> str | None:
        """The errorCode when the call failed, else None."""
        if isinstance(self.body, list) and self.body and isinstance(self.body[0], dict):
            return self.body[0].get("errorCode")
        return None


def call(name: str, **arguments: Any) -> dict[str, Any]:
    return {"name": name, "arguments": arguments}


def submit(answer: list[str] | None, refuse: bool = False) -> dict[str, Any]:
    args: dict[str, Any] = {"answer": answer}
    if refuse:
        args["refuse"] = True
    return call("submit_answer", **args)


class ScriptedSession:
    """An AgentSession driven by a script generator."""

    def __init__(self, script: Script) -> None:
        self._script = script
        self._started = False
        self._finished = False

    async def act(self, message: str) -> dict[str, Any]:
        if self._finished:
            return submit(None)
        try:
            if not self._started:
                self._started = True
                return next(self._script)
            header, body = split_observation(message)
            return self._script.send(Observation(header, body))
        except StopIteration:
            self._finished = True
            return submit(None)

    async def close(self) -> None:
        self._script.close()


class ScriptedAgent:
    """An Agent whose sessions run `script(task, trial)`."""

    def __init__(self, name: str, script: Callable[[Task, int], Script]) -> None:
        self.name = name
        self._script = script

    def session(self, task: Task, trial: int) -> ScriptedSession:
        return ScriptedSession(self._script(task, trial))
