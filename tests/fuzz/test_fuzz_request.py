"""Fuzz the green agent's request parsing: any text or data part either yields a valid request
or a RequestError naming the problem; no other exception ever escapes."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from green.request import AssessmentRequest, RequestError, parse_request

FUZZ = settings(max_examples=200, derandomize=True, deadline=2000,
                suppress_health_check=[HealthCheck.too_slow])

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text()
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)
CONFIG_KEYS = ["task_limit", "task_percentage", "task_ids", "task_categories", "drift_level",
               "rot_level", "org_type", "max_steps", "timeout", "turn_timeout", "trials",
               "concurrency", "seed", "shard_index", "num_shards", "unknown_key"]
urls = st.sampled_from(["http://127.0.0.1:9010/", "https://example.test/a2a", "ftp://x",
                        "not a url", "", "http://", "http://[::1]:0/"]) | st.text(max_size=30)
requests = st.fixed_dictionaries(
    {"participants": st.dictionaries(st.sampled_from(["agent", "judge", ""]), urls, max_size=2)
     | json_values,
     "config": st.dictionaries(st.sampled_from(CONFIG_KEYS), json_values, max_size=6)
     | json_values},
    optional={"extra": json_values})


def _parse(text, data=None) -> None:
    try:
        request, config = parse_request(text, data)
    except RequestError as exc:
        assert str(exc)  # a rejection always says why
        return
    assert isinstance(request, AssessmentRequest)
    assert request.agent_url
    assert config is not None


@FUZZ
@given(st.text())
def test_any_text(text: str) -> None:
    _parse(text)


@FUZZ
@given(json_values)
def test_any_json_text(value) -> None:
    _parse(json.dumps(value))


@FUZZ
@given(requests)
def test_request_shaped_json_text(value) -> None:
    _parse(json.dumps(value))


@FUZZ
@given(st.lists(json_values | requests, max_size=3), st.one_of(st.none(), st.text(max_size=20)))
def test_data_parts(data, text) -> None:
    _parse(text, data)


@FUZZ
@given(requests, st.integers(min_value=0, max_value=200), st.text(min_size=1, max_size=3))
def test_corrupted_json(value, cut: int, junk: str) -> None:
    text = json.dumps(value)
    position = cut % (len(text) + 1)
    _parse(text[:position] + junk + text[position:])
    _parse(text[:position])


def test_a_good_request_is_accepted() -> None:
    request, config = parse_request(json.dumps(
        {"participants": {"agent": "http://127.0.0.1:9010/"}, "config": {"task_limit": 3}}))
    assert request.agent_url == "http://127.0.0.1:9010/" and config.task_limit == 3
