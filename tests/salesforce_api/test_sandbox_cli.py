"""`crmarena sandbox` as a user runs it: a process that writes its env file once ready, serves,
and on SIGTERM ends its sessions and completes their logs."""

from __future__ import annotations

import os
import shlex
import signal
import ssl
import subprocess
import sys
import time

import httpx
import pytest

from env.log import EpisodeLog

pytestmark = pytest.mark.slow


def read_env(path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        out[key] = shlex.split(value)[0] if value else ""
    return out


def test_the_command_serves_until_sigterm(tmp_path):
    env_file, log_dir = tmp_path / "sb.env", tmp_path / "logs"
    env = {**os.environ, "CRMARENA_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "crmarena_cli", "sandbox", "--port", "0", "--today", "2024-06-01",
         "--env-file", str(env_file), "--log-dir", str(log_dir), "--password", "pw"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while not env_file.exists():
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
            time.sleep(0.1)
        values = read_env(env_file)
        assert values["SF_PASSWORD"] == "pw" and "HTTPS_PROXY" not in values
        assert (tmp_path / "data" / "sandbox" / "tls" / "ca.pem").exists()  # the default dir
        trust = ssl.create_default_context(cafile=values["NODE_EXTRA_CA_CERTS"])
        with httpx.Client(verify=trust, trust_env=False) as http:
            r = http.get(f"{values['SF_INSTANCE_URL']}/services/data/v59.0/query",
                         params={"q": "SELECT COUNT() FROM Account"},
                         headers={"Authorization": f"Bearer {values['SF_SESSION_ID']}"})
        assert r.status_code == 200 and r.json()["totalSize"] > 0
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out
    assert values["SF_USERNAME"] in out and values["SF_INSTANCE_URL"] in out
    logs = sorted((log_dir / "logs").glob("*.jsonl"))
    assert logs and not list((log_dir / "logs").glob("*.part"))
    turns = [t for p in logs for t in EpisodeLog.read(p).turns]
    assert [t.tool for t in turns] == ["soql_query"]


def test_bad_options_are_one_line_errors(tmp_path):
    env = {**os.environ, "CRMARENA_DATA_DIR": str(tmp_path)}
    for argv, message in [(["--username", "nobody@example.com"], "no User with Username"),
                          (["--task", "no-such-task"], "no task 'no-such-task'")]:
        done = subprocess.run([sys.executable, "-m", "crmarena_cli", "sandbox", "--port", "0",
                               *argv], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and message in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
