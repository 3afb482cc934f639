"""The env's reference agents (oracle, null, careless, ...) served as A2A purple agents.

Over the wire a reference agent sees only messages, so on first contact it finds its task (by a
task id in the message if there is one, else by the message's "## Request" text), then plays the
same env.agents session the in-process runner uses: the A2A stack is exercised end to end while
scores stay comparable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from data.tasks import load_task_set
from env.agents import make_agent
from purple.conversation_server import Conversation

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_:.\-]*[A-Za-z0-9]")


class UnknownTask(LookupError):
    """The first message names no task this installation knows."""


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


class TaskIndex:
    """Tasks by id and by (request, persona, context): what a first message is matched with."""

    def __init__(self, tasks: Iterable[Any]) -> None:
        self.by_id: dict[str, Any] = {t.id: t for t in tasks}
        self.by_signature: dict[tuple[str, str, str], Any] = {}
        for task in self.by_id.values():
            self.by_signature.setdefault(
                _signature(task.query, task.persona, task.required_context), task)

    def find(self, message: str) -> Any:
        """The task this first message is about: by a task id in the text if there is one,
        else by its request, persona and context sections."""
        for token in _TOKEN.findall(message):
            if token in self.by_id:
                return self.by_id[token]
        sections = _sections(message)
        context = sections.get("Context", "")
        context = context.rsplit("Today's date:", 1)[0] if "Today's date:" in context else context
        task = self.by_signature.get(
            _signature(sections.get("Request", ""), sections.get("Persona", ""), context))
        if task is None:
            raise UnknownTask("the first message matches no known task (by id or request text)")
        return task


@cache
def public_index() -> TaskIndex:
    """The committed default task sets (unique across both orgs)."""
    tasks: list[Any] = []
    for org in ("b2b", "b2c"):
        try:
            tasks.extend(load_task_set(org))
        except FileNotFoundError:
            continue
    return TaskIndex(tasks)


def find_task(message: str) -> Any:
    """The default task set's task this first message is about (TaskIndex.find)."""
    return public_index().find(message)


class ReferenceConversation:
    """One episode of a reference agent, bound to its task on the first message."""

    def __init__(self, agent: Any, index: TaskIndex) -> None:
        self._agent = agent
        self._index = index
        self._session: Any = None

    async def reply(self, message: str) -> dict[str, Any] | str:
        if self._session is None:
            self._session = self._agent.session(self._index.find(message), 0)
        return await self._session.act(message)


def reference_conversation_factory(name: str, tasks: Iterable[Any] | None = None
                                   ) -> Callable[[], Conversation]:
    """Conversations of env.agents.make_agent(name) (ValueError for an unknown name) over
    `tasks` (default: the committed task sets; a fresh task seed's tasks otherwise)."""
    agent = make_agent(name)
    index = public_index() if tasks is None else TaskIndex(tasks)  # loaded now, not per request
    return lambda: ReferenceConversation(agent, index)
