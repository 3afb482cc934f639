"""Reply parsing: every shape an agent may use becomes the same ToolCall; anything else is a
FormatError (never an exception). Tool-call validation against the JSON schemas."""

from __future__ import annotations

import pytest

from env.parsing import FormatError, parse_reply
from env.protocol import ToolCall
from env.tools import INVALID_ARGUMENTS, TOOL_NAMES, UNKNOWN_TOOL, validate_call

Q = "SELECT Id FROM Case"
EXPECTED = ToolCall(name="soql_query", arguments={"query": Q})


@pytest.mark.parametrize("reply", [
    {"name": "soql_query", "arguments": {"query": Q}},
    {"tool": "soql_query", "args": {"query": Q}},
    {"function": {"name": "soql_query", "arguments": '{"query": "SELECT Id FROM Case"}'}},
    {"tool_calls": [{"id": "c1", "type": "function",
                     "function": {"name": "soql_query",
                                  "arguments": '{"query": "SELECT Id FROM Case"}'}}]},
    '{"name": "soql_query", "arguments": {"query": "SELECT Id FROM Case"}}',
    'I will query the cases.\n```json\n{"name": "soql_query", "arguments": {"query": "SELECT Id '
    'FROM Case"}}\n```\nDone.',
    '```\n{"name": "soql_query", "arguments": {"query": "SELECT Id FROM Case"}}\n```',
    'Thought: cases first. Action: {"name": "soql_query", "arguments": {"query": "SELECT Id FROM '
    'Case"}} ok?',
    '[{"name": "soql_query", "arguments": {"query": "SELECT Id FROM Case"}}]',
])
def test_accepted_shapes(reply):
    assert parse_reply(reply) == EXPECTED


@pytest.mark.parametrize("reply", ["", "   ", "The answer is 42.", "{not json}", '{"answer": 1}',
                                   {"text": "hello"}, '["a", "b"]', 42])
def test_unparseable_replies_are_format_errors(reply):
    result = parse_reply(reply)
    assert isinstance(result, FormatError) and result.message


def test_first_of_several_calls_wins_and_prose_braces_are_skipped():
    text = ('Set {a, b} is not JSON. {"name": "describe", "arguments": {"object": "Case"}} then '
            '{"name": "soql_query", "arguments": {"query": "SELECT Id FROM Case"}}')
    assert parse_reply(text) == ToolCall(name="describe", arguments={"object": "Case"})


def test_unparseable_argument_string_becomes_an_invalid_arguments_error():
    call = parse_reply({"name": "soql_query", "arguments": "SELECT Id FROM Case"})
    assert isinstance(call, ToolCall)
    error = validate_call(call)
    assert error is not None and error[0]["errorCode"] == INVALID_ARGUMENTS


@pytest.mark.parametrize("call,code", [
    (ToolCall(name="sql", arguments={"query": Q}), UNKNOWN_TOOL),
    (ToolCall(name="soql_query", arguments={}), INVALID_ARGUMENTS),
    (ToolCall(name="soql_query", arguments={"query": ""}), INVALID_ARGUMENTS),
    (ToolCall(name="soql_query", arguments={"query": Q, "limit": 5}), INVALID_ARGUMENTS),
    (ToolCall(name="describe", arguments={"object": 7}), INVALID_ARGUMENTS),
    (ToolCall(name="submit_answer", arguments={}), INVALID_ARGUMENTS),
    (ToolCall(name="submit_answer", arguments={"answer": "MI"}), INVALID_ARGUMENTS),
    (ToolCall(name="submit_answer", arguments={"answer": None, "refuse": "yes"}),
     INVALID_ARGUMENTS),
])
def test_invalid_calls_are_named_errors(call, code):
    error = validate_call(call)
    assert error is not None and error[0]["errorCode"] == code
    assert call.name in error[0]["message"]


@pytest.mark.parametrize("call", [
    ToolCall(name="describe", arguments={}),
    ToolCall(name="describe", arguments={"object": "Case"}),
    ToolCall(name="sosl_search", arguments={"search": "FIND {x}"}),
    ToolCall(name="submit_answer", arguments={"answer": None, "refuse": True}),
    ToolCall(name="submit_answer", arguments={"answer": ["a", "b"]}),
])
def test_valid_calls_pass(call):
    assert validate_call(call) is None
    assert call.name in TOOL_NAMES
