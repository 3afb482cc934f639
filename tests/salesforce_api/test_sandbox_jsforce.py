"""jsforce (npm, pinned in js/package.json) against a real sandbox: SOAP login, query with
autoFetch over several pages, describe, describeGlobal, retrieve one and many, search, and a
401 that makes jsforce log in again, once, and go on.

Without Node or the installed jsforce these tests skip, except in CI (CI=1) or with
CRMARENA_REQUIRE_NODE=1, where a missing Node is a failure: `.ci/run` installs Node and runs
`npm ci` in js/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from simple_salesforce import Salesforce

from env.log import EpisodeLog
from tests.helpers.sandbox import MANY_ROWS, requests_session

pytestmark = pytest.mark.slow

JS_DIR = Path(__file__).parent / "js"
SOSL = "FIND {Apex} IN NAME FIELDS RETURNING Account(Id, Name)"


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, with jsforce installed next to the scenarios (else skip, or in CI fail)."""
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "node is not installed (CI installs Debian's nodejs)"
    elif not (JS_DIR / "node_modules" / "jsforce" / "package.json").exists():
        problem = f"jsforce is not installed: run `npm ci` in {JS_DIR}"
    if problem is not None:
        if os.environ.get("CI") == "1" or os.environ.get("CRMARENA_REQUIRE_NODE") == "1":
            pytest.fail(problem)
        pytest.skip(problem)
    return node  # type: ignore[return-value]


def _env(sb) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(sb.env(), SOQL_MANY=MANY_ROWS, SOSL=SOSL)
    env.pop("HTTPS_PROXY", None)
    return env


def _steps(output: str) -> dict[str, object]:
    steps = {}
    for line in output.splitlines():
        item = json.loads(line)
        steps[item["step"]] = item["value"]
    assert "fatal" not in steps, steps["fatal"]
    return steps


def test_jsforce_tour(node, sandbox):
    done = subprocess.run([node, "scenario.js", "tour"], cwd=JS_DIR, env=_env(sandbox),
                          capture_output=True, text=True, timeout=120)
    steps = _steps(done.stdout)
    assert done.returncode == 0, done.stderr
    user = sandbox.instance.user
    assert steps["login"] == {"userId": user.id, "organizationId": sandbox.instance.org_id,
                              "instanceUrl": sandbox.instance_url, "version": "50.0"}
    sf = Salesforce(instance_url=sandbox.instance_url, session_id=sandbox.ready_session.id,
                    session=requests_session(sandbox))
    expected = [r["Id"] for r in sf.query_all(MANY_ROWS)["records"]]
    query = steps["query"]
    assert query["ids"] == expected and query["totalSize"] == len(expected) > 4000
    assert steps["query_batch_1000"] == {"totalSize": len(expected), "count": len(expected)}
    schema = sandbox.instance.schema
    assert steps["describe"] == {"name": "Case", "fields": schema.get("Case").field_names}
    assert steps["describeGlobal"] == {"sobjects": schema.object_names}
    one, some, several = steps["retrieve_one"], steps["retrieve_fields"], steps["retrieve_many"]
    assert set(one) - {"attributes"} == set(schema.get("Case").field_names)
    assert set(some) == {"attributes", "Subject", "Status"}
    assert several[1] is None and several[2] == one and several[0]["Id"] != one["Id"]
    assert steps["search"] == sf.search(SOSL)
    assert [r["Name"] for r in steps["find"]] == sorted(r["Name"] for r in steps["find"])
    assert steps["count"] == sf.query("SELECT COUNT() FROM Case")["totalSize"]
    assert steps["error_field"]["errorCode"] == "INVALID_FIELD"
    assert steps["error_object"]["errorCode"] == "NOT_FOUND"
    assert steps["error_write"]["errorCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"


def test_jsforce_relogs_in_once_on_401_and_goes_on(node, expiring):
    sandbox, clock = expiring
    proc = subprocess.Popen([node, "scenario.js", "relogin"], cwd=JS_DIR, env=_env(sandbox),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        first = [json.loads(proc.stdout.readline()) for _ in range(2)]
        ready = first[-1]
        assert [s["step"] for s in first] == ["login", "ready"], first
        clock.advance(sandbox.options.session_ttl_s + 1)  # every session is now expired
        proc.stdin.write("go\n")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=60)  # terminates: no login loop
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    steps = _steps(out)
    assert proc.returncode == 0, err
    after = steps["after"]
    assert after["totalSize"] == ready["value"]["totalSize"] and after["refreshes"] == 1
    assert after["changed"] != ready["value"]["accessToken"]
    sandbox.log.flush()
    logins = []
    for path in sorted((sandbox.log.folder / "logs").glob("*.jsonl*")):
        log = EpisodeLog.parse(path.read_text())
        logins += [t for t in log.turns if t.tool == "login"]
    assert len(logins) == 2  # the first login and exactly one re-login
