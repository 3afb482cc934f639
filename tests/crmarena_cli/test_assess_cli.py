"""`crmarena regrade`, `crmarena merge` and `crmarena assess` from the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crmarena_cli import main
from env.agents import make_agent
from env.config import AssessmentConfig
from env.runner import run_assessment


async def test_regrade_check_rewrite_and_merge(env_db, env_tasks, tmp_path, capsys):
    for i in range(2):
        await run_assessment(AssessmentConfig(shard_index=i, num_shards=2, drift_level="low"),
                             make_agent("oracle", "low"), tmp_path / f"s{i}", tasks=env_tasks,
                             databases={"b2b": env_db})
    shard = tmp_path / "s0"
    assert main(["regrade", str(shard), "--check"]) == 0
    original = (shard / "results.json").read_text()
    tampered = json.loads(original)
    tampered["summary"]["avg_score"] = 1.0
    (shard / "results.json").write_text(json.dumps(tampered))
    assert main(["regrade", str(shard), "--check"]) == 1
    assert main(["regrade", str(shard)]) == 0
    assert (shard / "results.json").read_text().strip() == original.strip()

    assert main(["merge", str(tmp_path / "s0"), str(tmp_path / "s1"),
                 "--out", str(tmp_path / "all")]) == 0
    merged = json.loads((tmp_path / "all" / "results.json").read_text())
    assert merged["summary"]["total_tasks"] == len(env_tasks)
    assert merged["summary"]["total_passed"] == len(env_tasks)
    assert main(["regrade", str(tmp_path / "all"), "--check"]) == 0
    assert main(["regrade", str(tmp_path / "nowhere")]) == 2
    out = capsys.readouterr().out
    assert "FUNCTIONAL" in out and "passed" in out


def _task_set_available() -> bool:
    try:
        from data.tasks import load_task_set
        return bool(load_task_set("b2b"))
    except (FileNotFoundError, ImportError):
        return False


@pytest.mark.slow
def test_assess_oracle_and_null_on_the_default_task_set(tmp_path, capsys):
    if not _task_set_available():
        pytest.skip("the default task set is not built (crmarena tasks build)")
    args = ["--org", "b2b", "--task-limit", "22", "--drift", "high", "--rot", "high",
            "--concurrency", "8", "--seed", "1"]
    assert main(["assess", "--agent", "oracle", *args, "--out", str(tmp_path / "oracle")]) == 0
    oracle = json.loads((tmp_path / "oracle" / "results.json").read_text())
    assert oracle["dimension_averages"]["FUNCTIONAL"] == 100.0
    assert oracle["summary"]["total_tasks"] == 22
    assert main(["assess", "--agent", "null", *args, "--out", str(tmp_path / "null")]) == 0
    null = json.loads((tmp_path / "null" / "results.json").read_text())
    assert null["summary"]["avg_score"] < 5
    assert main(["regrade", str(tmp_path / "oracle"), "--check"]) == 0
    shutil.rmtree(tmp_path)


def test_assess_rejects_bad_options(capsys):
    with pytest.raises(SystemExit):
        main(["assess", "--agent", "oracle", "--drift", "extreme"])
    assert main(["assess", "--agent", "nobody", "--task-limit", "0"]) == 2


@pytest.mark.slow
def test_resume_says_what_it_kept_and_another_agent_is_refused(tmp_path, capsys):
    out = tmp_path / "r"
    args = ["--task-limit", "3", "--out", str(out)]
    assert main(["assess", "--agent", "careless", *args]) == 0
    first = json.loads((out / "results.json").read_text())
    sorted((out / "logs").glob("*.jsonl"))[0].unlink()
    capsys.readouterr()
    assert main(["assess", "--agent", "careless", *args]) == 0
    assert "resuming: 2 of 3 episodes kept" in capsys.readouterr().err
    again = json.loads((out / "results.json").read_text())
    assert [t["passed"] for t in again["tasks"]] == [t["passed"] for t in first["tasks"]]
    # `--agent oracle` into the careless folder used to print the careless score again
    assert main(["assess", "--agent", "oracle", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"crmarena assess: error: --out {out} holds an assessment of careless, not "
                   "of oracle; use another output folder")
    assert main(["regrade", str(out), "--check"]) == 0


@pytest.mark.slow
def test_ctrl_c_says_how_to_resume(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from a2a_app.local_server import BackgroundServer
    from purple.hostile import hanging_app
    from tests.helpers import REPO

    out = tmp_path / "r"
    with BackgroundServer(hanging_app) as purple:
        process = subprocess.Popen(
            [sys.executable, "-m", "crmarena_cli", "assess", "--agent", purple.url,
             "--task-limit", "2", "--turn-timeout", "60", "--out", str(out)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not (out / "run.json").exists():
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.1)
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "interrupted; re-run the same command to resume"
    assert "Traceback" not in err


def test_a_built_in_agent_loads_no_a2a_or_mcp_sdk(tmp_path):
    """A built-in agent needs neither SDK: importing them (about a second) delayed the first
    episode of `assess --agent oracle`; an agent given by URL still gets both."""
    code = ("import sys; from crmarena_cli import main; "
            f"rc = main(['assess', '--agent', 'oracle', '--task-limit', '1', '--out', "
            f"{str(tmp_path / 'out')!r}]); "
            "print(rc, sorted({m.split('.')[0] for m in sys.modules} & {'a2a', 'mcp'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip().splitlines()[-1] == "0 []", out.stdout + out.stderr
    assert json.loads((tmp_path / "out" / "results.json").read_text())["summary"][
        "total_passed"] == 1
