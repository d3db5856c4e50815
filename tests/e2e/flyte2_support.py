"""What the Flyte 2 end-to-end tests share: Connect calls in JSON, `flyte run` of a task of
tests/e2e/flyte2proj with the real CLI, and waits on a run's phase."""

from __future__ import annotations

import shutil
import time

import requests
from e2e_support import DOMAIN, FLYTE2PROJ, PROJECT, flyte2

SCOPE = ("-p", PROJECT, "-d", DOMAIN)
TERMINAL = {"ACTION_PHASE_SUCCEEDED", "ACTION_PHASE_FAILED", "ACTION_PHASE_ABORTED", "ACTION_PHASE_TIMED_OUT"}


def connect(sandbox, method: str, body: dict) -> requests.Response:
    return requests.post(f"{sandbox.http}/flyteidl2.{method}", json=body, timeout=10)


def run_id(name: str) -> dict:
    return {"project": PROJECT, "domain": DOMAIN, "name": name}


def project_copy(sandbox):
    project = sandbox.home / "flyte2proj"
    if not project.exists():
        shutil.copytree(FLYTE2PROJ, project)
    return project


def flyte_run(sandbox, name: str, *args: str) -> None:
    """`flyte run --name <name>` (no --follow: the CLI returns once the run is created)."""
    result = flyte2(sandbox, "run", *SCOPE, "--name", name, *args, cwd=project_copy(sandbox), timeout=180)
    assert f"Created Run: {name}" in result.stdout, result.stdout + result.stderr


def details(sandbox, name: str) -> dict:
    got = connect(sandbox, "workflow.RunService/GetRunDetails", {"runId": run_id(name)})
    assert got.status_code == 200, got.text
    return got.json()["details"]["action"]


def wait_for(sandbox, name: str, phases: set[str], timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        action = details(sandbox, name)
        if action["status"]["phase"] in phases:
            return action
        assert time.monotonic() < deadline, f"run {name} is {action['status']['phase']}, not in {phases}"
        time.sleep(0.2)


def wait_succeeded(sandbox, name: str, timeout: float = 180) -> dict:
    """Waits for the run to end and fails unless it succeeded, showing its action and a0's log."""
    action = wait_for(sandbox, name, TERMINAL, timeout)
    if action["status"]["phase"] != "ACTION_PHASE_SUCCEEDED":
        logs = sorted((sandbox.state_dir / "logs" / "v2" / PROJECT / DOMAIN / name / "a0").glob("*/task.log"))
        tail = logs[-1].read_text(errors="replace")[-4000:] if logs else "<no log>"
        raise AssertionError(f"run {name} did not succeed: {action}\na0's last log:\n{tail}")
    return action


def phases_of(attempt: dict) -> list[str]:
    return [t["phase"].removeprefix("ACTION_PHASE_") for t in attempt["phaseTransitions"]]


def actions_of(sandbox, name: str) -> dict:
    listed = connect(sandbox, "workflow.RunService/ListActions", {"runId": run_id(name)})
    assert listed.status_code == 200, listed.text
    return {a["id"]["name"]: a for a in listed.json()["actions"]}


def output_of(sandbox, name: str) -> dict:
    data = connect(sandbox, "dataproxy.DataProxyService/GetActionData",
                   {"actionId": {"run": run_id(name), "name": "a0"}}).json()
    return data["outputs"]["literals"][0]["value"]["scalar"]["primitive"]
