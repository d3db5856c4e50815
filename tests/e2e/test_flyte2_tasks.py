"""Flyte 2's TaskService with the real `flyte` CLI and SDK (.venv-flyte2): `flyte deploy` stores an
environment's two tasks (deploying again succeeds; a changed task at a deployed version is "already
exists, skipping", the stored spec unchanged), `flyte get task` lists them and their versions, and a
deployed task runs by reference (CreateRun with its task_id), from the CLI (`flyte run deployed-task`,
the latest version) and from the SDK (`flyte.remote.Task.get` + `flyte.run`), to SUCCEEDED with its
output read back through the SDK."""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import requests
from e2e_support import DOMAIN, FLYTE2_BIN, FLYTE2PROJ, PROJECT, flyte2

SCOPE = ("-p", PROJECT, "-d", DOMAIN)
TERMINAL = {"ACTION_PHASE_SUCCEEDED", "ACTION_PHASE_FAILED", "ACTION_PHASE_ABORTED", "ACTION_PHASE_TIMED_OUT"}

# Runs a deployed task by reference through the SDK and prints its phase and outputs as JSON.
BY_REFERENCE = """
import json, sys
import flyte, flyte.remote
flyte.init_from_config(sys.argv[1], project=sys.argv[2], domain=sys.argv[3])
task = flyte.remote.Task.get("deployed_env.add", version="v1")
run = flyte.run(task, x=20, y=22)
run.wait(quiet=True)
print(json.dumps({"name": run.name, "phase": run.phase.value, "outputs": list(run.outputs())}))
"""


def connect(sandbox, method: str, body: dict) -> requests.Response:
    return requests.post(f"{sandbox.http}/flyteidl2.{method}", json=body, timeout=10)


def project_copy(sandbox, name: str = "flyte2proj"):
    project = sandbox.home / name
    if not project.exists():
        shutil.copytree(FLYTE2PROJ, project)
    return project


def deploy(sandbox, project, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return flyte2(sandbox, "deploy", *SCOPE, "--version", "v1", *args, "deployed.py", "env", cwd=project,
                  timeout=180, check=check)


def task_details(sandbox, name: str, version: str = "v1") -> dict:
    got = connect(sandbox, "task.TaskService/GetTaskDetails",
                  {"taskId": {"project": PROJECT, "domain": DOMAIN, "name": name, "version": version}})
    assert got.status_code == 200, got.text
    return got.json()["details"]


def run_details(sandbox, name: str) -> dict:
    got = connect(sandbox, "workflow.RunService/GetRunDetails",
                  {"runId": {"project": PROJECT, "domain": DOMAIN, "name": name}})
    assert got.status_code == 200, got.text
    return got.json()["details"]["action"]


def wait_terminal(sandbox, name: str) -> dict:
    deadline = time.monotonic() + 120
    while (action := run_details(sandbox, name))["status"]["phase"] not in TERMINAL:
        assert time.monotonic() < deadline, f"run {name} is still {action['status']['phase']}"
        time.sleep(0.2)
    return action


def test_deploy_list_and_run_deployed_tasks_by_reference(flyte2_sandbox):
    sandbox = flyte2_sandbox
    project = project_copy(sandbox)

    first = deploy(sandbox, project)
    out = first.stdout + first.stderr
    assert "Deployed task deployed_env.greet" in out and "Deployed task deployed_env.add" in out, out
    greet = task_details(sandbox, "deployed_env.greet")
    assert greet["taskId"]["version"] == "v1"
    assert greet["metadata"]["environmentName"] == "deployed_env"
    assert greet["metadata"]["shortName"] == "greet"
    assert greet["spec"]["taskTemplate"]["id"]["name"] == "deployed_env.greet"
    assert [p["name"] for p in greet["spec"]["defaultInputs"]] == ["name"]

    # The same deployment again is the same spec: a success that changes nothing.
    again = deploy(sandbox, project)
    out = again.stdout + again.stderr
    assert "Deployed task deployed_env.greet" in out and "Task deployed_env.greet already exists" not in out, out
    assert task_details(sandbox, "deployed_env.greet") == greet

    # The listing: both tasks, their versions.
    listed = flyte2(sandbox, "-of", "json-raw", "get", "task", *SCOPE)
    tasks = {t["taskId"]["name"]: t for t in json.loads(listed.stdout)}
    assert {"deployed_env.greet", "deployed_env.add"} <= tasks.keys(), listed.stdout
    assert tasks["deployed_env.add"]["taskId"]["version"] == "v1"
    assert tasks["deployed_env.add"]["metadata"]["environmentName"] == "deployed_env"
    versions = connect(sandbox, "task.TaskService/ListVersions",
                       {"taskName": {"project": PROJECT, "domain": DOMAIN, "name": "deployed_env.greet"}})
    assert versions.status_code == 200, versions.text
    assert [v["version"] for v in versions.json()["versions"]] == ["v1"]

    # By reference from the CLI: the latest version of greet, run with its input.
    created = flyte2(sandbox, "run", *SCOPE, "--run-project", PROJECT, "--run-domain", DOMAIN, "--name",
                     "by-ref-greet", "deployed-task", "deployed_env.greet", "--name", "deployed", cwd=project,
                     timeout=180)
    assert "Created Run: by-ref-greet" in created.stdout, created.stdout + created.stderr
    action = wait_terminal(sandbox, "by-ref-greet")
    assert action["status"]["phase"] == "ACTION_PHASE_SUCCEEDED", action
    assert action["metadata"]["task"]["id"]["name"] == "deployed_env.greet"
    assert action["task"]["taskTemplate"] == greet["spec"]["taskTemplate"]
    # `flyte get io` reads the outputs as run.outputs() does (GetRunDetails, then GetActionData).
    shown = flyte2(sandbox, "get", "io", *SCOPE, "by-ref-greet")
    assert "greetings deployed" in shown.stdout, shown.stdout + shown.stderr

    # By reference from the SDK: a pinned version, outputs through run.outputs().
    script = subprocess.run([str(FLYTE2_BIN / "python"), "-c", BY_REFERENCE, str(sandbox.config_path), PROJECT, DOMAIN],
                            env=sandbox.env, cwd=str(sandbox.home), capture_output=True, text=True, timeout=180,
                            check=False)
    assert script.returncode == 0, script.stdout + script.stderr
    result = json.loads(script.stdout.strip().splitlines()[-1])
    assert result["phase"] == "succeeded", result
    assert result["outputs"] == [42], result
    assert run_details(sandbox, result["name"])["metadata"]["task"]["id"]["version"] == "v1"


def test_a_changed_task_at_a_deployed_version_is_skipped_and_unknown_ones_not_found(flyte2_sandbox):
    sandbox = flyte2_sandbox
    deploy(sandbox, project_copy(sandbox))
    before = task_details(sandbox, "deployed_env.greet")

    changed = project_copy(sandbox, "changed")
    source = changed / "deployed.py"
    source.write_text(source.read_text().replace('f"greetings {name}"', 'f"changed {name}"'))
    skipped = deploy(sandbox, changed)
    assert "Task deployed_env.greet already exists, skipping" in skipped.stdout + skipped.stderr, skipped.stdout
    assert task_details(sandbox, "deployed_env.greet") == before

    missing = flyte2(sandbox, "run", *SCOPE, "--run-project", PROJECT, "--run-domain", DOMAIN, "deployed-task",
                     "deployed_env.greet:v9", cwd=changed, check=False, timeout=120)
    assert missing.returncode != 0
    assert "deployed_env.greet" in missing.stdout + missing.stderr
    refused = connect(sandbox, "workflow.RunService/CreateRun", {
        "projectId": {"name": PROJECT, "domain": DOMAIN},
        "taskId": {"project": PROJECT, "domain": DOMAIN, "name": "deployed_env.greet", "version": "v9"},
        "offloadedInputData": {"uri": "/nowhere"}})
    assert refused.status_code == 404 and refused.json()["code"] == "not_found", refused.text
    assert "deployed_env.greet version v9 is not deployed" in refused.json()["message"]
