"""Serve any per-conversation agent over A2A (message mode), one conversation per A2A context.

A purple agent here is a factory of `Conversation`s: the first message of a new context_id opens
one, later messages on that context continue it. Each reply is one tool call, sent both as a data
part (`{"name", "arguments"}`) and as its JSON text, so any green agent can read it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, Protocol

from a2a.helpers import new_data_part, new_message, new_text_message
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.types import AgentSkill, Part
from starlette.applications import Starlette

from a2a_app.app import build_a2a_app, make_card
from core.bounded_cache import BoundedCache

#: Conversations kept in memory at once (oldest forgotten first).
MAX_CONVERSATIONS = 4096


class Conversation(Protocol):
    async def reply(self, message: str) -> dict[str, Any] | str:
        """The next tool call (dict) or raw text, given the environment's latest message."""
        ...


class ConversationExecutor(AgentExecutor):
    """Routes each A2A message to its context's conversation, creating it on first contact."""

    def __init__(self, new_conversation: Callable[[], Conversation]) -> None:
        self._new = new_conversation
        #: context id -> (its conversation, the lock that keeps its turns in order)
        self._conversations: BoundedCache[str, tuple[Conversation, asyncio.Lock]] = \
            BoundedCache(MAX_CONVERSATIONS)

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        context_id = context.context_id or ""
        conversation, lock = self._conversations.get_or_build(
            context_id, lambda: (self._new(), asyncio.Lock()))
        async with lock:
            try:
                reply = await conversation.reply(context.get_user_input())
            except Exception as exc:  # noqa: BLE001 - tell the caller instead of a 500
                await event_queue.enqueue_event(new_text_message(
                    f"agent error: {exc!r}", context_id=context_id))
                return
        if isinstance(reply, dict):
            parts: list[Part] = [new_data_part(reply), Part(text=json.dumps(reply))]
            await event_queue.enqueue_event(new_message(parts, context_id=context_id))
        else:
            await event_queue.enqueue_event(new_text_message(str(reply), context_id=context_id))

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        self._conversations.pop(context.context_id or "")


def build_purple_app(url: str, *, name: str, description: str,
                     new_conversation: Callable[[], Conversation]) -> Starlette:
    skill = AgentSkill(id="crm_tool_use", name="CRM tool use",
                       description="Answers CRM tasks by calling soql_query, sosl_search, "
                                   "describe and submit_answer, one JSON tool call per reply.",
                       tags=["crm", "soql", "purple"])
    card = make_card(name=name, description=description, url=url, skills=[skill],
                     streaming=False)
    return build_a2a_app(card, ConversationExecutor(new_conversation))
