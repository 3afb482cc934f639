"""The env's reference agents (oracle, null, careless, ...) served as A2A purple agents.

Over the wire a reference agent sees only messages, so on first contact it finds its task (by a
task id in the message if there is one, else by the message's "## Request" text), then plays the
same env.agents session the in-process runner uses: the A2A stack is exercised end to end while
scores stay comparable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from data.tasks import load_task_set
from env.agents import make_agent
from purple.conversation_server import Conversation

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_:.\-]*[A-Za-z0-9]")


class UnknownTask(LookupError):
    """The first message names no task this installation knows."""


@cache
def _tasks_by_id() -> dict[str, Any]:
    index: dict[str, Any] = {}
    for org in ("b2b", "b2c"):
        try:
            tasks = load_task_set(org)
        except FileNotFoundError:
            continue
        for task in tasks:
            index[task.id] = task
    return index


_SECTIONS = ("Request", "Persona", "Context", "Tools")


def _sections(message: str) -> dict[str, str]:
    """The Request / Persona / Context sections of the env's task message
    (env.messages.task_message); a context may hold "## " headings of its own, so each section
    runs to the next *known* heading (the Tools heading is the last one)."""
    found = {}
    for title in _SECTIONS:
        marker = f"\n\n## {title}\n"
        at = message.rfind(marker) if title == "Tools" else message.find(marker)
        if at != -1:
            found[title] = (at, at + len(marker))
    ordered = sorted(found.items(), key=lambda item: item[1][0])
    sections = {}
    for (title, (_, body_start)), following in zip(ordered, [*ordered[1:], None], strict=True):
        body_end = following[1][0] if following else len(message)
        sections[title] = message[body_start:body_end].strip()
    return sections


def _signature(query: str, persona: str, context: str) -> tuple[str, str, str]:
    return query.strip(), persona.strip(), context.strip()


@cache
def _tasks_by_signature() -> dict[tuple[str, str, str], Any]:
    index: dict[tuple[str, str, str], Any] = {}
    for task in _tasks_by_id().values():
        index.setdefault(_signature(task.query, task.persona, task.required_context), task)
    return index


def find_task(message: str) -> Any:
    """The task this first message is about: by a task id in the text if there is one, else by
    its request, persona and context sections (unique across the default task sets)."""
    tasks = _tasks_by_id()
    for token in _TOKEN.findall(message):
        if token in tasks:
            return tasks[token]
    sections = _sections(message)
    context = sections.get("Context", "")
    context = context.rsplit("Today's date:", 1)[0] if "Today's date:" in context else context
    task = _tasks_by_signature().get(
        _signature(sections.get("Request", ""), sections.get("Persona", ""), context))
    if task is None:
        raise UnknownTask("the first message matches no known task (by id or request text)")
    return task


class ReferenceConversation:
    """One episode of a reference agent, bound to its task on the first message."""

    def __init__(self, agent: Any) -> None:
        self._agent = agent
        self._session: Any = None

    async def reply(self, message: str) -> dict[str, Any] | str:
        if self._session is None:
            self._session = self._agent.session(find_task(message), 0)
        return await self._session.act(message)


def reference_conversation_factory(name: str) -> Callable[[], Conversation]:
    """Conversations of env.agents.make_agent(name) (ValueError for an unknown name)."""
    agent = make_agent(name)
    _tasks_by_signature()  # load the task sets now, not on the first request
    return lambda: ReferenceConversation(agent)
