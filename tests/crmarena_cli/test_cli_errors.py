"""Bad input gets one line naming the flag, exit status 2, before any progress bar or server
start, and leaves nothing behind (issue 16: each case below once printed a traceback, an empty
table, or ran anyway)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from a2a_app.local_server import BackgroundServer, bind_socket
from crmarena_cli import main
from tests.helpers import REPO


def _one_line_error(capsys, code: int, expected: str, *, exit_code: int = 2) -> str:
    captured = capsys.readouterr()
    assert code == exit_code, captured
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert expected in lines[0], lines[0]
    assert "Traceback" not in captured.err and "errors.pydantic.dev" not in captured.err
    assert "assessing" not in captured.out  # no progress bar was drawn
    return lines[0]


def _argparse_error(capsys, argv: list[str], expected: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    return _one_line_error(capsys, exit_.value.code, expected)


@pytest.mark.parametrize("argv, expected", [
    (["assess", "--agent", "oracle", "--task-limit", "0"],
     "--task-limit 0: Input should be greater than or equal to 1"),
    (["demo", "--task-limit", "0"], "--task-limit 0: Input should be greater than or equal to 1"),
    (["assess", "--agent", "oracle", "--shard-index", "3"],
     "--shard-index 3 must be < --num-shards 1"),
    (["assess", "--agent", "nobody"], "--agent 'nobody' is neither a reference agent"),
    (["assess", "--agent", "oracle", "--out", "/etc/passwd"], "--out /etc/passwd is a file"),
    (["assess", "--agent", "oracle", "--out", "/proc/nope"], "--out /proc/nope: cannot create"),
    (["demo", "--out", "/etc/passwd"], "--out /etc/passwd is a file"),
    (["merge", "/nonexistent-a", "--out", "/tmp/x"], "DIR /nonexistent-a: no such folder"),
    (["regrade", "/nonexistent-a"], "DIR /nonexistent-a: no such folder"),
    (["view", "/nonexistent-a"], "/nonexistent-a is not a folder"),
    (["describe", "--task", "b2b-nosuch-001", "Case"], "--task b2b-nosuch-001: no such task"),
    (["org", "diff", "--task", "b2b-nosuch-001"], "--task b2b-nosuch-001: no such task"),
    (["repl", "--task", "b2b-nosuch-001", "-c", "SELECT Id FROM Case"], "b2b-nosuch-001"),
])
def test_usage_errors_are_one_line_naming_the_flag(capsys, argv, expected):
    _one_line_error(capsys, main(argv), expected)


@pytest.mark.parametrize("argv, expected", [
    (["tasks", "list", "--category", "nosuchcat"], "argument --category: invalid choice"),
    (["assess", "--agent", "oracle", "--category", "nosuchcat"], "invalid choice: 'nosuchcat'"),
    (["demo", "--drift", "bogus"], "argument --drift: invalid choice: 'bogus'"),
    (["assess", "--agent", "oracle", "--rot", "extreme"], "argument --rot: invalid choice"),
    (["assess", "--agent", "oracle", "--org", "b2x"], "argument --org: invalid choice"),
    (["serve", "--port", "99999"], "argument --port: 99999 is not a port (0-65535)"),
    (["purple", "oracle", "--port", "-1"], "argument --port: -1 is not a port"),
    (["assess", "--agent", "oracle", "--today", "yesterday"], "'yesterday' is not a date"),
    (["soql", "--drift", "medium!", "SELECT Id FROM Case"], "argument --drift: invalid choice"),
])
def test_argparse_errors_are_one_line_too(capsys, argv, expected):
    _argparse_error(capsys, argv, expected)


def test_unknown_task_ids_and_categories_are_named_before_anything_runs(capsys, tmp_path):
    out = tmp_path / "r"
    _one_line_error(capsys, main(["assess", "--agent", "oracle", "--task-id", "b2b-nosuch-001",
                                  "--out", str(out)]), "--task-id: unknown task ids: b2b-nosuch")
    assert not out.exists()  # no empty results folder left behind
    _one_line_error(capsys, main(["demo", "--task-id", "b2b-nosuch-001"]),
                    "--task-id: unknown task ids")


def test_demo_with_a_bad_level_starts_no_server(capsys, monkeypatch):
    import crmarena_cli.demo as demo

    started = []
    monkeypatch.setattr(demo, "BackgroundServer", lambda *a, **k: started.append(a))
    _argparse_error(capsys, ["demo", "--drift", "bogus"], "invalid choice: 'bogus'")
    _one_line_error(capsys, main(["demo", "--task-id", "nope"]), "unknown task ids: nope")
    assert started == []


def test_purple_baseline_refuses_a_remote_endpoint_without_a_key(capsys, monkeypatch):
    import crmarena_cli.purple as purple
    import purple.llm as llm

    for variable in llm.API_KEY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    assert purple.KEY_VARIABLES == llm.API_KEY_VARIABLES
    served = []
    monkeypatch.setattr(purple, "serve", lambda *a: served.append(a) or 0)
    _one_line_error(capsys, main(["purple", "baseline", "--model", "m",
                                  "--base-url", "https://api.example.com/v1"]),
                    "--base-url https://api.example.com/v1 needs an API key")
    assert served == []
    # an explicit --no-auth, a local endpoint or a key in the environment starts it
    assert main(["purple", "baseline", "--model", "m", "--no-auth",
                 "--base-url", "https://api.example.com/v1"]) == 0
    assert main(["purple", "baseline", "--model", "m", "--base-url",
                 "http://127.0.0.1:8000/v1"]) == 0
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    assert main(["purple", "baseline", "--model", "m"]) == 0
    assert len(served) == 3


def _plain_web_app(url: str) -> Starlette:
    return Starlette(routes=[Route("/", lambda request: HTMLResponse("<h1>hello</h1>"))])


@pytest.mark.parametrize("where", ["nothing listening", "plain web server", "unknown host"])
def test_an_unusable_agent_is_one_line_and_exit_1_not_a_score(capsys, tmp_path, where):
    """It used to print "0/3 passed · score 0.00" and exit 0."""
    out = tmp_path / "r"
    argv = ["assess", "--task-limit", "3", "--out", str(out), "--agent"]
    if where == "plain web server":
        with BackgroundServer(_plain_web_app) as server:
            code = main([*argv, server.url])
    elif where == "unknown host":
        code = main([*argv, "http://no-such-host.invalid:9010/"])
    else:
        sock = bind_socket()  # bound, never listening: connection refused
        try:
            code = main([*argv, f"http://127.0.0.1:{sock.getsockname()[1]}/"])
        finally:
            sock.close()
    line = _one_line_error(capsys, code, "cannot read the agent card", exit_code=1)
    assert line.startswith("crmarena assess: error: --agent http")
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("argv, expected", [
    (["serve", "--port", "99999"], "99999 is not a port"),
    (["assess", "--agent", "oracle", "--out", "/etc/passwd"], "--out /etc/passwd is a file"),
    (["describe", "--task", "b2b-nosuch-001", "Case"], "no such task"),
])
def test_as_a_real_process(argv, expected):
    done = subprocess.run([sys.executable, "-m", "crmarena_cli", *argv], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == "" and done.stderr.count("\n") == 1 and expected in done.stderr


def test_serve_on_a_port_in_use_is_one_line(capsys):
    sock = bind_socket()
    sock.listen()
    try:
        _one_line_error(capsys, main(["serve", "--port", str(sock.getsockname()[1])]),
                        "cannot listen there")
    finally:
        sock.close()
