"""In-process episodes whose tools are served over MCP: the real episode loop, the episodes'
endpoints on a real HTTP server on 127.0.0.1 (mcp_tools.local) and, as the agent, either the real
purple side (purple.mcp_conversation with a scripted policy, the SDK's client) or a test driving
its own SDK client. Only A2A is left out: the conversation is called in-process (the green tests
cover A2A)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from data.tasks.model import Task
from purple.conversation_server import Conversation
from tests.helpers.env_org import ListSession


class ScriptedPolicy(ListSession):
    """A purple Conversation replying from a fixed list (then submitting null)."""

    async def reply(self, message: str) -> Any:
        return await self.act(message)


class Listener:
    """A purple Conversation that keeps what it is told and never answers (the test plays the
    agent over MCP itself); `told` is set on the first message."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.told = asyncio.Event()

    async def reply(self, message: str) -> str:
        self.messages.append(message)
        self.told.set()
        await asyncio.Event().wait()
        return "never"


class ConversationSession:
    """An env AgentSession over a purple Conversation, called in-process instead of over A2A."""

    def __init__(self, conversation: Any) -> None:
        self.conversation = conversation
        self.closed = False

    async def act(self, message: str) -> Any:
        return await self.conversation.reply(message)

    async def close(self) -> None:
        self.closed = True


class ConversationAgent:
    """An env Agent whose sessions are `new_conversation()`s, called in-process."""

    name = "conversation"

    def __init__(self, new_conversation: Callable[[], Conversation]) -> None:
        self._new = new_conversation
        self.sessions: list[ConversationSession] = []

    def session(self, task: Task, trial: int) -> ConversationSession:
        session = ConversationSession(self._new())
        self.sessions.append(session)
        return session
