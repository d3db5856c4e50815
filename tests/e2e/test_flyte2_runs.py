"""`flyte run` with the real Flyte 2 CLI (.venv-flyte2) against the sandbox: the run is created
(its root action a0 queued and committed, the code bundle PUT to the signed URL and the inputs
uploaded into the sandbox's store) without waiting for it, then listed and shown by `flyte get
run`; RunService and DataProxyService also answer Connect's JSON codec. The executor then runs a0
(the module's sandbox finds `a0` in .venv-flyte2; test_flyte2_exec.py tests the running itself)."""

from __future__ import annotations

import json
import re
import shutil
import signal
import time

import pytest
import requests
from e2e_support import DOMAIN, FLYTE2PROJ, PROJECT, flyte2

SCOPE = ("-p", PROJECT, "-d", DOMAIN)
ENDED = {"ACTION_PHASE_SUCCEEDED", "ACTION_PHASE_FAILED", "ACTION_PHASE_ABORTED", "ACTION_PHASE_TIMED_OUT"}


@pytest.fixture(scope="module")
def sandbox(flyte2_sandbox):
    return flyte2_sandbox


@pytest.fixture(scope="module")
def hello_run(sandbox) -> dict:
    """`flyte run hello.py say_hello --name sandbox` (no --follow: the CLI returns once the run is
    created). The source is copied out of the repository, as a user's project would be."""
    project = sandbox.home / "flyte2proj"
    shutil.copytree(FLYTE2PROJ, project)
    result = flyte2(sandbox, "run", *SCOPE, "hello.py", "say_hello", "--name", "sandbox", cwd=project, timeout=180)
    url = re.search(rf"{sandbox.http}/v2/domain/{DOMAIN}/project/{PROJECT}/runs/(r[a-z0-9]{{19}})\b", result.stdout)
    assert url, result.stdout + result.stderr
    return {"name": url.group(1), "stdout": result.stdout}


def connect(sandbox, method: str, body: dict) -> requests.Response:
    return requests.post(f"{sandbox.http}/flyteidl2.{method}", json=body, timeout=10)


def run_id(name: str) -> dict:
    return {"project": PROJECT, "domain": DOMAIN, "name": name}


def wait_until_ended(sandbox, name: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        got = connect(sandbox, "workflow.RunService/GetRunDetails", {"runId": run_id(name)})
        assert got.status_code == 200, got.text
        details = got.json()["details"]
        if details["action"]["status"]["phase"] in ENDED:
            return details
        assert time.monotonic() < deadline, details["action"]["status"]
        time.sleep(0.2)


def test_flyte_run_creates_the_run_which_then_runs(sandbox, hello_run):
    assert f"Created Run: {hello_run['name']}" in hello_run["stdout"]
    details = wait_until_ended(sandbox, hello_run["name"])
    assert details["runSpec"]["runStartTime"]  # stamped: a0 --run-start-time reads it
    action = details["action"]
    assert action["id"] == {"run": run_id(hello_run["name"]), "name": "a0"}
    assert action["status"]["phase"] == "ACTION_PHASE_SUCCEEDED" and action["status"]["attempts"] == 1
    assert action["metadata"]["task"]["id"]["name"] == "hello_env.say_hello"
    assert action["metadata"]["environmentName"] == "hello_env"
    # The task spec, whose interface the SDK needs to decode inputs and outputs.
    template = action["task"]["taskTemplate"]
    assert template["type"] == "python"
    assert [v["key"] for v in template["interface"]["inputs"]["variables"]] == ["name"]
    [attempt] = action["attempts"]
    assert attempt["attempt"] == 1 and attempt["phase"] == "ACTION_PHASE_SUCCEEDED"
    # Created QUEUED (committed before CreateRun replied), then run.
    assert [t["phase"] for t in attempt["phaseTransitions"]] == [
        "ACTION_PHASE_QUEUED", "ACTION_PHASE_INITIALIZING", "ACTION_PHASE_RUNNING", "ACTION_PHASE_SUCCEEDED"]

    same = connect(sandbox, "workflow.RunService/GetActionDetails",
                   {"actionId": {"run": run_id(hello_run["name"]), "name": "a0"}})
    assert same.status_code == 200 and same.json()["details"]["id"] == action["id"]
    actions = connect(sandbox, "workflow.RunService/ListActions", {"runId": run_id(hello_run["name"])})
    assert actions.status_code == 200
    assert [a["id"]["name"] for a in actions.json()["actions"]] == ["a0"]


def test_flyte_get_run_lists_and_shows_it(sandbox, hello_run):
    wait_until_ended(sandbox, hello_run["name"])
    listed = json.loads(flyte2(sandbox, "-of", "json-raw", "get", "run", *SCOPE).stdout)
    runs = {r["action"]["id"]["run"]["name"]: r["action"] for r in listed}
    assert runs[hello_run["name"]]["status"]["phase"] == "ACTION_PHASE_SUCCEEDED"
    assert runs[hello_run["name"]]["metadata"]["task"]["shortName"] == "say_hello"
    # The SDK's phase filter (a number) reaches the store.
    succeeded = connect(sandbox, "workflow.RunService/ListRuns", {
        "projectId": {"name": PROJECT, "domain": DOMAIN},
        "request": {"filters": [{"function": "EQUAL", "field": "phase", "values": ["5"]}]}})
    assert succeeded.status_code == 200 and hello_run["name"] in succeeded.text
    queued = connect(sandbox, "workflow.RunService/ListRuns", {
        "projectId": {"name": PROJECT, "domain": DOMAIN},
        "request": {"filters": [{"function": "EQUAL", "field": "phase", "values": ["ACTION_PHASE_QUEUED"]}]}})
    assert queued.status_code == 200 and hello_run["name"] not in queued.text

    shown = flyte2(sandbox, "get", "run", *SCOPE, hello_run["name"])
    assert hello_run["name"] in shown.stdout and "SUCCEEDED" in shown.stdout


def test_the_code_bundle_and_the_inputs_are_in_the_sandboxs_store(sandbox, hello_run):
    blobs = sandbox.state_dir / "blobs"
    # PUT by the CLI to the signed URL CreateUploadLocation gave, as Flyte 1 clients do.
    assert list((blobs / "uploads" / PROJECT / DOMAIN).glob("*/fast*.tar.gz"))
    # UploadInputs wrote flyteidl2.task.Inputs, which CreateRun's input folder holds.
    [inputs] = (blobs / "v2" / PROJECT / DOMAIN / "offloaded-inputs").glob("*/inputs.pb")
    assert b"sandbox" in inputs.read_bytes()


def test_unknown_projects_and_runs_are_not_found(sandbox):
    nowhere = {"name": "no-such-project", "domain": DOMAIN}
    for method, body in [
        ("dataproxy.DataProxyService/CreateUploadLocation",
         {"project": "no-such-project", "domain": DOMAIN, "filename": "x.tar.gz",
          "contentMd5": "AAAAAAAAAAAAAAAAAAAAAA=="}),
        ("dataproxy.DataProxyService/UploadInputs", {"projectId": nowhere, "inputs": {}}),
        ("workflow.RunService/CreateRun", {"projectId": nowhere, "taskSpec": {}, "offloadedInputData": {"uri": "/x"}}),
        ("workflow.RunService/GetRunDetails", {"runId": run_id("rnosuchrun")}),
        ("workflow.RunService/ListActions", {"runId": run_id("rnosuchrun")}),
    ]:
        reply = connect(sandbox, method, body)
        assert reply.status_code == 404 and reply.json()["code"] == "not_found", (method, reply.text)
    missing = flyte2(sandbox, "get", "run", *SCOPE, "rnosuchrun", check=False)
    assert missing.returncode != 0 and "not found" in missing.stdout + missing.stderr


def test_a_run_name_is_taken_once(sandbox, hello_run):
    """CreateRun with a user's name: a second run of that name is `already_exists` (the SDK says the
    name exists); the inputs must have been uploaded first."""
    got = connect(sandbox, "workflow.RunService/GetRunDetails", {"runId": run_id(hello_run["name"])}).json()
    task_spec = got["details"]["action"]["task"]
    inputs = connect(sandbox, "dataproxy.DataProxyService/UploadInputs",
                     {"projectId": {"name": PROJECT, "domain": DOMAIN}, "inputs": {}}).json()["offloadedInputData"]
    request = {"runId": run_id("my-run-1"), "taskSpec": task_spec, "offloadedInputData": inputs}
    first = connect(sandbox, "workflow.RunService/CreateRun", request)
    assert first.status_code == 200, first.text
    assert first.json()["run"]["action"]["id"] == {"run": run_id("my-run-1"), "name": "a0"}
    again = connect(sandbox, "workflow.RunService/CreateRun", request)
    assert again.status_code == 409 and again.json()["code"] == "already_exists"
    bad_name = connect(sandbox, "workflow.RunService/CreateRun", {**request, "runId": run_id("My_Run")})
    assert bad_name.status_code == 400 and bad_name.json()["code"] == "invalid_argument"
    no_inputs = connect(sandbox, "workflow.RunService/CreateRun",
                        {**request, "runId": run_id("my-run-2"), "offloadedInputData": {"uri": "/nowhere"}})
    assert no_inputs.status_code == 400, no_inputs.text


def test_flyte_run_with_a_name_of_the_users(sandbox, hello_run):
    """`--name`: the SDK uploads the inputs and creates the run under that run id; the name is
    taken once."""
    project = sandbox.home / "flyte2proj"  # copied by hello_run
    named = flyte2(sandbox, "run", *SCOPE, "--name", "hello-named", "hello.py", "say_hello", cwd=project, timeout=180)
    assert "Created Run: hello-named" in named.stdout
    assert f"/v2/domain/{DOMAIN}/project/{PROJECT}/runs/hello-named" in named.stdout
    again = flyte2(sandbox, "run", *SCOPE, "--name", "hello-named", "hello.py", "say_hello", cwd=project,
                   timeout=180, check=False)
    assert again.returncode != 0 and "exists" in again.stdout + again.stderr


def test_a_created_run_survives_kill_9(sandbox_factory):
    """CreateRun commits a0 before it replies: each run the client was told about is there after a
    kill -9 and a restart on the same state folder, with its inputs."""
    base = sandbox_factory.new_dir("flyte2-durable")
    state = base / "state"
    first = sandbox_factory.start(base=base / "first", state_dir=state)
    task_spec = {"taskTemplate": {"id": {"name": "env.t", "version": "v1"}, "type": "python"}}
    names = [f"durable-{i}" for i in range(5)]
    for i, name in enumerate(names):
        inputs = connect(first, "dataproxy.DataProxyService/UploadInputs", {
            "projectId": {"name": PROJECT, "domain": DOMAIN},
            "inputs": {"literals": [{"name": "x", "value": {"scalar": {"primitive": {"integer": str(i)}}}}]}})
        assert inputs.status_code == 200, inputs.text
        created = connect(first, "workflow.RunService/CreateRun", {
            "runId": run_id(name), "taskSpec": task_spec, "offloadedInputData": inputs.json()["offloadedInputData"]})
        assert created.status_code == 200, created.text
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(10)

    second = sandbox_factory.start(base=base / "second", state_dir=state, port=first.port)
    listed = connect(second, "workflow.RunService/ListRuns", {"projectId": {"name": PROJECT, "domain": DOMAIN}})
    assert listed.status_code == 200, listed.text
    assert sorted(r["action"]["id"]["run"]["name"] for r in listed.json()["runs"]) == names
    # Their task has no container, so the executor fails each (before or after the restart).
    for name in names:
        action = wait_until_ended(second, name)["action"]
        assert action["status"]["phase"] == "ACTION_PHASE_FAILED"
        assert "no container" in action["errorInfo"]["message"]
    assert len(list((state / "blobs" / "v2" / PROJECT / DOMAIN / "offloaded-inputs").glob("*/inputs.pb"))) == 5
