"""deploy/kubernetes without a cluster: every manifest is valid against the Kubernetes JSON
schemas (strict: an unknown field is an error), the manifests agree with each other, and the
sharded assessment they describe, simulated here (each shard a real process with exactly the
command, arguments and environment its pod gets, the purple agent over loopback, then the merge
Job's commands), gives the same results as one process running the whole assessment."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from a2a_app.local_server import BackgroundServer
from purple.conversation_server import build_purple_app
from purple.reference import reference_conversation_factory
from tests.helpers import REPO

MANIFESTS = REPO / "deploy" / "kubernetes"
#: The oldest Kubernetes release the manifests are checked against, and the newest the schemas
#: cover (Indexed Jobs are stable since 1.24; podFailurePolicy and friends are not used).
VERSIONS = ("1.29", kubernetes_validate.utils.latest_version())
#: The simulated assessment: the manifests' own, limited to this many tasks (two per shard; the
#: full default set twice over would take many minutes).
TASK_LIMIT = 8


def _resources() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    return [doc for name in kustomization["resources"]
            for doc in yaml.safe_load_all((MANIFESTS / name).read_text()) if doc]


def _one(kind: str, name: str) -> dict[str, Any]:
    (found,) = [r for r in _resources() if r["kind"] == kind and r["metadata"]["name"] == name]
    return found


def test_every_manifest_file_is_a_resource_of_the_kustomization() -> None:
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    files = {p.name for p in MANIFESTS.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


@pytest.mark.parametrize("version", VERSIONS)
def test_the_manifests_are_valid_kubernetes_resources(version: str) -> None:
    resources = _resources()
    assert {r["kind"] for r in resources} == {"ConfigMap", "PersistentVolumeClaim", "Deployment",
                                              "Service", "Job"}
    for resource in resources:
        kubernetes_validate.validate(resource, version, strict=True)


def test_the_schema_check_catches_a_misspelt_field() -> None:
    job = copy.deepcopy(_one("Job", "crmarena-assess"))
    job["spec"]["completionMod"] = job["spec"].pop("completionMode")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(job, VERSIONS[0], strict=True)


def test_the_image_user_is_numeric_for_run_as_non_root() -> None:
    """Kubernetes refuses runAsNonRoot with a user name it cannot resolve ("image has
    non-numeric user"): the image's USER must be a uid."""
    dockerfile = (REPO / "Dockerfile").read_text()
    (user,) = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert re.fullmatch(r"[1-9]\d*(:\d+)?", user)


def test_the_manifests_agree() -> None:
    shared = _one("ConfigMap", "crmarena-assessment")["data"]
    assess = _one("Job", "crmarena-assess")["spec"]
    assert assess["completionMode"] == "Indexed"
    assert assess["completions"] == assess["parallelism"] == int(shared["CRMARENA_NUM_SHARDS"])
    service = _one("Service", "crmarena-purple")
    assert shared["CRMARENA_AGENT_URL"] == \
        f"http://{service['metadata']['name']}:{service['spec']['ports'][0]['port']}/"
    claim = _one("PersistentVolumeClaim", "crmarena-results")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    for job in ("crmarena-assess", "crmarena-merge"):
        pod = _one("Job", job)["spec"]["template"]["spec"]
        assert pod["enableServiceLinks"] is False  # no Service's variables in CRMARENA_*
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert volumes["results"]["persistentVolumeClaim"]["claimName"] == \
            claim["metadata"]["name"]
        for container in pod.get("initContainers", []) + pod["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["runAsNonRoot"] is True
            assert {"name": "results", "mountPath": "/results"} in container["volumeMounts"]
            assert container["envFrom"] == [{"configMapRef": {"name": "crmarena-assessment"}}]


# --- the simulation ----------------------------------------------------------------------------


def expand(text: str, env: dict[str, str]) -> str:
    """Kubernetes' $(VAR) expansion of command and args: a defined variable is replaced, any
    other reference is left as written, and $$ is a literal $."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("$(", i) and (end := text.find(")", i + 2)) != -1:
            name = text[i + 2:end]
            out.append(env.get(name, text[i:end + 1]))
            i = end + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def pod_environment(container: dict[str, Any], completion_index: int | None) -> dict[str, str]:
    """The variables the container gets: its ConfigMaps (envFrom), its own env, and for a pod
    of an Indexed Job the JOB_COMPLETION_INDEX the Job controller adds."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update(_one("ConfigMap", source["configMapRef"]["name"])["data"])
    env.update({e["name"]: e["value"] for e in container.get("env", [])})
    if completion_index is not None:
        env["JOB_COMPLETION_INDEX"] = str(completion_index)
    return env


#: The results volume's mountPath where it starts a path (not "shard-*/results.json").
_MOUNT = re.compile(r"(?<![\w*.-])/results\b")


def _local(command: list[str], env: dict[str, str], results: Path) -> list[str]:
    """The container's command with its variables expanded, the results volume's mountPath
    mapped to a local folder."""
    return [_MOUNT.sub(str(results), expand(part, env)) for part in command]


def _process_env(pod_env: dict[str, str]) -> dict[str, str]:
    """What a local process needs besides the pod's variables: this venv's `crmarena` on PATH
    (the image has its venv there) and this machine's org cache."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CRMARENA_SHARD", "CRMARENA_NUM", "JOB_COMPLETION"))}
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    return {**env, **pod_env}


def _comparable(results: dict[str, Any]) -> dict[str, Any]:
    """Everything of results.json that does not measure time, episode by episode."""
    episodes = {}
    for task in results["tasks"]:
        metrics = {k: v for k, v in task["metrics"].items() if not k.endswith("_seconds")}
        episodes[(task["org"], task["task_id"], task["trial"])] = {**task, "metrics": metrics}
    rest = {k: results[k] for k in ("summary", "dimension_averages", "by_category", "by_org",
                                     "by_drift", "by_rot", "pass_hat_k", "weights")}
    return {"episodes": episodes, **rest}


@pytest.mark.slow
def test_the_sharded_assessment_equals_one_process(tmp_path: Path) -> None:
    job = _one("Job", "crmarena-assess")
    (green,) = job["spec"]["template"]["spec"]["containers"]
    shards = job["spec"]["completions"]
    merge_pod = _one("Job", "crmarena-merge")["spec"]["template"]["spec"]
    (wait,), (merge,) = merge_pod["initContainers"], merge_pod["containers"]
    limit = ["--task-limit", str(TASK_LIMIT)]

    # the purple Deployment's agent (the oracle), served in this process on loopback
    oracle = reference_conversation_factory("oracle")
    with BackgroundServer(lambda url: build_purple_app(
            url, name="oracle", description="oracle", new_conversation=oracle)) as purple:
        def shard_env(index: int | None) -> dict[str, str]:
            env = pod_environment(green, index)
            env["CRMARENA_AGENT_URL"] = purple.url  # the Service's name, resolved to loopback
            return env

        started = []
        for index in range(shards):
            env = shard_env(index)
            with (tmp_path / f"shard-{index}.log").open("w") as log:
                started.append(subprocess.Popen(
                    _local(green["command"] + green["args"], env, tmp_path) + limit,
                    env=_process_env(env), stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path))
        codes = [p.wait(timeout=240) for p in started]
        assert codes == [0] * shards, [(tmp_path / f"shard-{i}.log").read_text()[-2000:]
                                       for i, code in enumerate(codes) if code]

        single_env = shard_env(None)
        del single_env["CRMARENA_NUM_SHARDS"]
        single = _local(green["command"] + green["args"], single_env, tmp_path)
        single[single.index("--out") + 1] = str(tmp_path / "single")
        subprocess.run(single + limit, env=_process_env(single_env), check=True, cwd=tmp_path,
                       capture_output=True, timeout=240)

    run = tmp_path / pod_environment(green, None)["CRMARENA_RUN"]
    for container in (wait, merge):
        env = pod_environment(container, None)
        done = subprocess.run(_local(container["command"], env, tmp_path),
                              env=_process_env(env), capture_output=True, text=True,
                              timeout=120, cwd=tmp_path)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    merged = json.loads((run / "merged" / "results.json").read_text())
    alone = json.loads((tmp_path / "single" / "results.json").read_text())
    assert merged["summary"]["total_tasks"] == TASK_LIMIT
    assert merged["config"]["num_shards"] == shards
    assert {t["task_id"] for t in merged["tasks"]} == {t["task_id"] for t in alone["tasks"]}
    assert _comparable(merged) == _comparable(alone)
    assert (run / "merged" / "report.html").stat().st_size > 10_000
    for index in range(shards):  # each shard ran its own slice, none ran them all
        part = json.loads((run / f"shard-{index}" / "results.json").read_text())
        assert 0 < part["summary"]["total_tasks"] < TASK_LIMIT
