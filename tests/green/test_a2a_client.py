"""green.client.A2AAgent against real purple servers on 127.0.0.1: replies, contexts, failures."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from a2a.types import AgentSkill
from starlette.applications import Starlette

from a2a_app.local_server import BackgroundServer, bind_socket
from env.parsing import parse_reply
from env.protocol import ToolCall
from green.client import A2AAgent, AgentUnavailable
from purple.conversation_server import build_purple_app
from purple.hostile import DroppingServer, garbage_app, hanging_app, http500_app


class CountingConversation:
    """Replies with a tool call carrying its turn number (proves one conversation per context)."""

    def __init__(self) -> None:
        self.turns = 0

    async def reply(self, message: str) -> dict:
        self.turns += 1
        return {"name": "describe", "arguments": {"turn": self.turns, "echo": message}}


@pytest.fixture(scope="module")
def counting_url():
    def app(url: str) -> Starlette:
        return build_purple_app(url, name="counter", description="counts",
                                new_conversation=CountingConversation)

    with BackgroundServer(app) as server:
        yield server.url


async def test_one_context_per_session_and_ints_survive(counting_url):
    async with A2AAgent(counting_url, turn_timeout_s=10) as agent:
        first, second = agent.session(None, 0), agent.session(None, 0)
        assert await first.act("hello") == {"name": "describe",
                                            "arguments": {"turn": 1, "echo": "hello"}}
        assert (await first.act("again"))["arguments"]["turn"] == 2
        # A new session is a new A2A context: its conversation starts over.
        assert (await second.act("other"))["arguments"]["turn"] == 1
        assert (await first.act("third"))["arguments"]["turn"] == 3
        assert first.context_id and first.context_id != second.context_id
        assert agent.card is not None and agent.card.name == "counter"


async def test_card_urls_are_repointed_at_the_given_url():
    # The card advertises an unreachable host; the client must still talk to the URL we gave.
    def app(url: str) -> Starlette:
        return build_purple_app("http://unreachable.invalid:1/", name="far", description="x",
                                new_conversation=CountingConversation)

    with BackgroundServer(app) as server:
        async with A2AAgent(server.url, turn_timeout_s=10) as agent:
            assert (await agent.session(None, 0).act("hi"))["arguments"]["turn"] == 1


async def test_garbage_reply_is_returned_as_text():
    with BackgroundServer(garbage_app) as server:
        async with A2AAgent(server.url, turn_timeout_s=10) as agent:
            reply = await agent.session(None, 0).act("task")
    assert isinstance(reply, str) and "haiku" in reply


async def test_hanging_agent_times_out_per_turn():
    with BackgroundServer(hanging_app) as server:
        async with A2AAgent(server.url, turn_timeout_s=0.5) as agent:
            started = time.monotonic()
            with pytest.raises(AgentUnavailable, match="did not reply within 0.5s"):
                await agent.session(None, 0).act("task")
            assert time.monotonic() - started < 3


async def test_http_500_is_agent_unavailable():
    with BackgroundServer(http500_app) as server:
        async with A2AAgent(server.url, turn_timeout_s=5) as agent:
            with pytest.raises(AgentUnavailable, match="failed to reply"):
                await agent.session(None, 0).act("task")


async def test_dropped_connection_is_agent_unavailable():
    with DroppingServer() as server:
        async with A2AAgent(server.url, turn_timeout_s=5) as agent:
            with pytest.raises(AgentUnavailable, match="failed to reply"):
                await agent.session(None, 0).act("task")


async def test_nothing_listening_is_agent_unavailable():
    sock = bind_socket()  # bound, never listening: connection refused
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    try:
        async with A2AAgent(url, timeout_s=2, turn_timeout_s=2) as agent:
            with pytest.raises(AgentUnavailable, match="cannot read the agent card"):
                await agent.session(None, 0).act("task")
    finally:
        sock.close()


SKILL = AgentSkill(id="reply", name="reply", description="replies", tags=["test"])


class _TaskModeExecutor:
    """A purple in the agent-template style: a Task per message, the reply as an artifact, then
    `completed` (or, with input_required=True, the reply in an input-required status)."""

    def __init__(self, input_required: bool) -> None:
        self.input_required = input_required
        self.seen: list[tuple[str, bool, str]] = []  # (context_id, continues a task, text)

    async def execute(self, context, event_queue) -> None:
        from a2a.helpers import new_data_part, new_task_from_user_message, new_text_message
        from a2a.server.tasks import TaskUpdater

        self.seen.append((context.context_id, context.current_task is not None,
                          context.get_user_input()))
        task = context.current_task or new_task_from_user_message(context.message)
        if context.current_task is None:
            await event_queue.enqueue_event(task)
        updater = TaskUpdater(event_queue, task.id, task.context_id)
        await updater.start_work(new_text_message("Thinking…"))
        reply = {"name": "soql_query", "arguments": {"query": f"SELECT Id FROM Case LIMIT "
                                                               f"{len(self.seen)}"}}
        if self.input_required:
            await updater.requires_input(new_text_message(json.dumps(reply)))
        else:
            await updater.add_artifact([new_data_part(reply)], name="reply")
            await updater.complete()

    async def cancel(self, context, event_queue) -> None:
        return None


@pytest.mark.parametrize("input_required", [False, True], ids=["completed", "input-required"])
async def test_task_mode_purples(input_required):
    from a2a.server.agent_execution import AgentExecutor

    from a2a_app.app import build_a2a_app, make_card

    executor = type("TaskMode", (_TaskModeExecutor, AgentExecutor), {})(input_required)
    def app(url: str) -> Starlette:
        return build_a2a_app(make_card(name="tasky", description="t", url=url, skills=[SKILL]),
                             executor)

    with BackgroundServer(app) as server:
        async with A2AAgent(server.url, turn_timeout_s=10) as agent:
            session = agent.session(None, 0)
            first = await session.act("task")
            second = await session.act("observation")
    # The artifact's data part comes back as a dict, the input-required status text as text.
    assert isinstance(first, str) is input_required
    assert parse_reply(first) == ToolCall(name="soql_query",
                                          arguments={"query": "SELECT Id FROM Case LIMIT 1"})
    assert parse_reply(second).arguments["query"].endswith("LIMIT 2")
    (ctx1, continued1, _), (ctx2, continued2, text2) = executor.seen
    assert ctx1 == ctx2 and text2 == "observation" and not continued1
    # A completed task takes no more messages: only an input-required one is continued.
    assert continued2 is input_required


async def test_an_unresponsive_card_is_not_waited_for_once_per_episode():
    sock = bind_socket()
    sock.listen()  # accepts connections, never answers
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    try:
        async with A2AAgent(url, timeout_s=0.5, turn_timeout_s=0.5) as agent:
            started = time.monotonic()
            results = await asyncio.gather(*(agent.session(None, 0).act("task") for _ in range(8)),
                                           return_exceptions=True)
            assert all(isinstance(r, AgentUnavailable) for r in results)
            assert "cannot read the agent card" in str(results[-1])
            assert time.monotonic() - started < 2  # not 8 x 0.5 s
    finally:
        sock.close()


def _card_03_only(url: str, name: str):
    """A card that offers only the 0.3 JSON-RPC interface, as an a2a-sdk 0.3 agent's does."""
    from a2a.types import AgentCapabilities, AgentCard, AgentInterface

    return AgentCard(name=name, description=name, version="0.1.0",
                     supported_interfaces=[AgentInterface(protocol_binding="JSONRPC",
                                                          protocol_version="0.3.0", url=url)],
                     default_input_modes=["text"], default_output_modes=["text"],
                     capabilities=AgentCapabilities(streaming=False), skills=[SKILL])


async def test_a_0_3_only_agent_is_spoken_to_in_0_3():
    """AgentBeats' purples (a2a-sdk 0.3) offer only 0.3 `message/send`: contexts, integers and
    replies work the same as over 1.0."""
    from a2a_app.app import build_a2a_app
    from purple.conversation_server import ConversationExecutor

    def app(url: str) -> Starlette:
        return build_a2a_app(_card_03_only(url, "old"), ConversationExecutor(CountingConversation))

    with BackgroundServer(app) as server:
        async with A2AAgent(server.url, turn_timeout_s=10) as agent:
            first, second = agent.session(None, 0), agent.session(None, 0)
            assert await first.act("hello") == {"name": "describe",
                                                "arguments": {"turn": 1, "echo": "hello"}}
            assert (await first.act("again"))["arguments"]["turn"] == 2
            assert (await second.act("other"))["arguments"]["turn"] == 1
            assert agent.wire == "0.3"


async def test_our_own_purples_are_spoken_to_in_1_0(counting_url):
    async with A2AAgent(counting_url, turn_timeout_s=10) as agent:
        await agent.session(None, 0).act("hi")
        assert agent.wire == "1.0"


@pytest.mark.parametrize("input_required", [False, True], ids=["completed", "input-required"])
async def test_task_mode_purples_over_0_3(input_required):
    from a2a.server.agent_execution import AgentExecutor

    from a2a_app.app import build_a2a_app

    executor = type("TaskMode", (_TaskModeExecutor, AgentExecutor), {})(input_required)

    def app(url: str) -> Starlette:
        return build_a2a_app(_card_03_only(url, "tasky"), executor)

    with BackgroundServer(app) as server:
        async with A2AAgent(server.url, turn_timeout_s=10) as agent:
            session = agent.session(None, 0)
            first = await session.act("task")
            await session.act("observation")
    assert isinstance(first, str) is input_required
    assert parse_reply(first) == ToolCall(name="soql_query",
                                          arguments={"query": "SELECT Id FROM Case LIMIT 1"})
    (ctx1, continued1, _), (ctx2, continued2, _) = executor.seen
    assert ctx1 == ctx2 and not continued1 and continued2 is input_required


@pytest.mark.parametrize("body, reason", [
    (b"not json", "not JSON"),
    (b"[1, 2]", "not a JSON-RPC response"),
    (b'{"jsonrpc": "2.0", "id": 1, "error": {"code": -32603, "message": "boom"}}', "boom"),
    (b'{"jsonrpc": "2.0", "id": 1}', "no result"),
    (b'{"jsonrpc": "2.0", "id": 1, "result": {"other": 1}}', "neither a message nor a task"),
    (b'{"jsonrpc": "2.0", "id": 1, "result": {"message": {"parts": "x"}}}', "parts"),
])
def test_malformed_answers_are_wire_errors(body, reason):
    from green.wire import WireError, read_reply

    with pytest.raises(WireError, match=reason):
        read_reply("1.0", body)


def test_a_card_without_json_rpc_is_refused():
    from a2a.types import AgentCard, AgentInterface

    from green.wire import WireError, wire_format

    card = AgentCard(name="grpc", supported_interfaces=[
        AgentInterface(protocol_binding="GRPC", protocol_version="1.0", url="x:1")])
    with pytest.raises(WireError, match="no JSON-RPC"):
        wire_format(card)


class _RecordingProxy:
    """A forward HTTP proxy on 127.0.0.1 (absolute-form requests, piped to their host) that
    records each connection's first request line."""

    def __init__(self) -> None:
        import socketserver
        import threading

        self.seen: list[str] = []
        proxy = self

        class Pipe(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                import select
                import socket
                from urllib.parse import urlsplit

                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = self.request.recv(65536)
                    if not chunk:
                        return
                    head += chunk
                line = head.split(b"\r\n", 1)[0].decode()
                proxy.seen.append(line)
                target = urlsplit(line.split(" ")[1])
                upstream = socket.create_connection((target.hostname, target.port))
                upstream.sendall(head)
                ends = [self.request, upstream]
                while True:
                    ready, _, _ = select.select(ends, [], [], 5)
                    if not ready:
                        break
                    for end in ready:
                        data = end.recv(65536)
                        if not data:
                            upstream.close()
                            return
                        (upstream if end is self.request else self.request).sendall(data)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Pipe)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("bypass", [False, True])
async def test_the_environment_proxy_is_used_unless_no_proxy_names_the_host(
        counting_url, monkeypatch, bypass) -> None:
    proxy = _RecordingProxy()
    try:
        for name in ("HTTP_PROXY", "http_proxy"):
            monkeypatch.setenv(name, proxy.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(name, "127.0.0.1" if bypass else "")
        async with A2AAgent(counting_url) as agent:
            for _ in range(2):
                reply = await agent.send("hello", "", "")
                assert isinstance(parse_reply(reply.content()), ToolCall)
        turns = [line for line in proxy.seen if line.startswith("POST ")]
        assert turns == ([] if bypass else [f"POST {counting_url} HTTP/1.1"])
    finally:
        proxy.close()
