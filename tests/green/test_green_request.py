"""The assessment request: where it is read from, and how precisely a bad one is explained."""

from __future__ import annotations

import json

import pytest

from green.executor import progress_text, results_dict
from green.request import RequestError, parse_request

AGENT = "http://127.0.0.1:9010/"


def test_text_request_with_seed_options_and_unknown_keys():
    text = json.dumps({"participants": {"agent": AGENT}, "config": {
        "task_limit": 5, "drift_level": "HIGH", "task_ids": [3, "b2b-x-1"],
        "shard_index": 1, "num_shards": 2, "num_instances": 4}})
    request, config = parse_request(text)
    assert request.agent_url == AGENT
    assert (config.task_limit, config.drift_level, config.task_ids) == (5, "high", ["3", "b2b-x-1"])
    assert (config.shard_index, config.num_shards) == (1, 2)
    assert config.model_extra == {"num_instances": 4}


def test_data_part_wins_and_whole_numbers_from_floats_are_accepted():
    data = {"participants": {"agent": AGENT}, "config": {"task_limit": 3.0, "max_steps": 7.0}}
    _, config = parse_request("ignored prose", [data])
    assert (config.task_limit, config.max_steps) == (3, 7)


def test_every_problem_is_named_at_once():
    with pytest.raises(RequestError) as err:
        parse_request(json.dumps({"participants": {"purple": AGENT},
                                  "config": {"rot_level": "extreme", "trials": 0}}))
    message = str(err.value)
    assert message.startswith("bad request: ")
    assert 'needs the role "agent" (got: purple)' in message
    assert "config.rot_level" in message and "config.trials" in message


@pytest.mark.parametrize("text, expected", [
    ("", "empty request"),
    ("{oops", "not JSON (Expecting property name enclosed in double quotes at line 1 column 2)"),
    ('"just a string"', "must be a JSON object, got str"),
    ('{"participants": {"agent": "' + AGENT + '"}, "config": {"shard_index": 2}}',
     "shard_index 2 must be < num_shards 1"),
])
def test_bad_requests(text, expected):
    with pytest.raises(RequestError, match=None) as err:
        parse_request(text)
    assert expected in str(err.value)


def test_progress_text_and_results_dict_accept_objects_and_dicts():
    class Event:
        done, total, passed = 12, 40, 9
    assert progress_text(Event()) == progress_text({"done": 12, "total": 40, "passed": 9}) \
        == "task 12/40 · pass 9"
    assert results_dict({"summary": {}}) == {"summary": {}}
