"""The shard a `crmarena assess` process runs when its flags do not say: the environment a
scheduler gives it (a Kubernetes Indexed Job's JOB_COMPLETION_INDEX, or CRMARENA_*)."""

from __future__ import annotations

import json

import pytest

from crmarena_cli import main
from env.shards import shard_from_environment


def test_the_variables_and_their_precedence() -> None:
    assert shard_from_environment({}) == {}
    assert shard_from_environment({"JOB_COMPLETION_INDEX": "3", "CRMARENA_NUM_SHARDS": "4"}) == \
        {"shard_index": 3, "num_shards": 4}
    assert shard_from_environment({"CRMARENA_SHARD_INDEX": "1", "JOB_COMPLETION_INDEX": "3"}) == \
        {"shard_index": 1}
    assert shard_from_environment({"CRMARENA_SHARD_INDEX": " ", "JOB_COMPLETION_INDEX": "0"}) == \
        {"shard_index": 0}


@pytest.mark.parametrize(("environ", "message"), [
    ({"JOB_COMPLETION_INDEX": "-1"}, "JOB_COMPLETION_INDEX='-1' is not an integer >= 0"),
    ({"CRMARENA_SHARD_INDEX": "one"}, "CRMARENA_SHARD_INDEX='one' is not an integer >= 0"),
    ({"CRMARENA_NUM_SHARDS": "0"}, "CRMARENA_NUM_SHARDS='0' is not an integer >= 1"),
])
def test_a_bad_value_is_one_line_naming_the_variable(environ: dict[str, str],
                                                     message: str) -> None:
    with pytest.raises(ValueError) as caught:
        shard_from_environment(environ)
    assert str(caught.value) == message


def _assess(tmp_path, name: str, *flags: str) -> int:
    return main(["assess", "--agent", "oracle", "--task-limit", "6", "--concurrency", "2",
                 "--out", str(tmp_path / name), *flags])


def _run(tmp_path, name: str) -> tuple[dict, list[str]]:
    results = json.loads((tmp_path / name / "results.json").read_text())
    return results["config"], [t["task_id"] for t in results["tasks"]]


@pytest.mark.slow
def test_assess_takes_its_shard_from_the_environment_and_flags_win(tmp_path, monkeypatch,
                                                                   capsys) -> None:
    monkeypatch.delenv("CRMARENA_SHARD_INDEX", raising=False)
    monkeypatch.setenv("JOB_COMPLETION_INDEX", "1")
    monkeypatch.setenv("CRMARENA_NUM_SHARDS", "3")
    assert _assess(tmp_path, "env") == 0
    config, tasks = _run(tmp_path, "env")
    assert (config["shard_index"], config["num_shards"]) == (1, 3)
    assert _assess(tmp_path, "flags", "--shard-index", "1", "--num-shards", "3") == 0
    assert _run(tmp_path, "flags")[1] == tasks and len(tasks) == 2
    assert _assess(tmp_path, "flag-wins", "--shard-index", "0") == 0
    assert _run(tmp_path, "flag-wins")[0]["shard_index"] == 0

    monkeypatch.setenv("JOB_COMPLETION_INDEX", "3")
    assert _assess(tmp_path, "outside") == 2
    monkeypatch.setenv("CRMARENA_NUM_SHARDS", "many")
    assert _assess(tmp_path, "bad") == 2
    out = capsys.readouterr().err  # errors go to stderr, one line each
    assert "--shard-index 3 must be < --num-shards 3" in out
    assert "CRMARENA_NUM_SHARDS='many' is not an integer >= 1" in out
    assert not (tmp_path / "outside").exists() and not (tmp_path / "bad").exists()
