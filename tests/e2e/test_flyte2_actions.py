"""Flyte 2's ActionsService and watches over Connect server streams, driven by the flyteidl2
wheel's own Connect client (flyte2_actions_client.py under .venv-flyte2: connectrpc over pyqwest,
HTTP/1.1, gzip, as a parent task's runtime sends them). The executor runs what is enqueued: the
runs' a0 and their children are `sleep`s that stay running until aborted; traces are recorded
finished."""

from __future__ import annotations

import json
import re
import subprocess
import time

import requests
from e2e_support import DOMAIN, E2E_DIR, FLYTE2, PROJECT

CLIENT = E2E_DIR / "flyte2_actions_client.py"
PYTHON2 = FLYTE2.parent / "python"


def connect(sandbox, method: str, body: dict) -> requests.Response:
    return requests.post(f"{sandbox.http}/flyteidl2.{method}", json=body, timeout=10)


NOT_ENDED = {"ACTION_PHASE_QUEUED", "ACTION_PHASE_INITIALIZING", "ACTION_PHASE_RUNNING"}


def create_run(sandbox, name: str) -> None:
    """A run made over Connect's JSON, as `flyte run` makes one; its a0 sleeps until aborted."""
    inputs = connect(sandbox, "dataproxy.DataProxyService/UploadInputs",
                     {"projectId": {"name": PROJECT, "domain": DOMAIN}, "inputs": {}})
    assert inputs.status_code == 200, inputs.text
    created = connect(sandbox, "workflow.RunService/CreateRun", {
        "runId": {"project": PROJECT, "domain": DOMAIN, "name": name},
        "taskSpec": {"taskTemplate": {"id": {"name": "env.parent", "version": "v1"}, "type": "python",
                                      "container": {"args": ["sleep", "300"]}}},
        "offloadedInputData": inputs.json()["offloadedInputData"]})
    assert created.status_code == 200, created.text


def client_args(sandbox, scenario: str, run: str) -> list:
    return [str(PYTHON2), str(CLIENT), sandbox.http, scenario, PROJECT, DOMAIN, run]


def run_client(sandbox, scenario: str, run: str) -> dict:
    """The scenario's printed lines, merged into one dict."""
    result = subprocess.run(client_args(sandbox, scenario, run), capture_output=True, text=True, timeout=60,
                            check=False, env=sandbox.env)
    assert result.returncode == 0, result.stdout + result.stderr
    merged = {}
    for line in result.stdout.splitlines():
        merged.update(json.loads(line))
    return merged


def open_streams(sandbox) -> float:
    text = requests.get(f"{sandbox.http}/metrics", timeout=10).text
    found = re.search(r"^flyte_connect_open_streams (\S+)$", text, re.MULTILINE)
    assert found, text
    return float(found.group(1))


def test_a_parent_watches_its_children_snapshot_sentinel_then_live_updates(sandbox):
    create_run(sandbox, "watched-1")
    seen = run_client(sandbox, "watch", "watched-1")
    child_id = {"run": {"project": PROJECT, "domain": DOMAIN, "name": "watched-1"}}
    # What was there before the watch (only direct children of a0, not a0 itself), then the sentinel.
    [c1, sentinel] = seen["snapshot"]
    assert c1["actionId"] == {**child_id, "name": "c1"} and c1["phase"] in NOT_ENDED, c1
    assert sentinel == {"sentinel": True}
    # A child enqueued while the stream is open arrives on it.
    assert seen["live"]["actionId"] == {**child_id, "name": "c2"} and seen["live"]["phase"] in NOT_ENDED
    # A retried parent's Enqueue of the same name: the SDK takes already_exists as launched.
    assert seen["repeat"] == "ALREADY_EXISTS"
    # A trace is recorded finished; its update carries its outputs.pb as the parent gave it.
    assert seen["trace"] == {"actionId": {**child_id, "name": "t1"}, "phase": "ACTION_PHASE_SUCCEEDED",
                             "outputUri": "/tmp/watched-1/t1/outputs.pb"}
    assert seen["unknown_run"] == "NOT_FOUND"

    listed = connect(sandbox, "workflow.RunService/ListActions",
                     {"runId": {"project": PROJECT, "domain": DOMAIN, "name": "watched-1"}})
    actions = {a["id"]["name"]: a for a in listed.json()["actions"]}
    assert sorted(actions) == ["a0", "c1", "c2", "t1"]
    assert actions["c1"]["metadata"]["parent"] == "a0" and actions["c1"]["metadata"]["group"] == "g1"
    assert actions["t1"]["status"]["phase"] == "ACTION_PHASE_SUCCEEDED"
    details = connect(sandbox, "workflow.RunService/GetActionDetails",
                      {"actionId": {**child_id, "name": "c1"}}).json()["details"]
    assert details["metadata"]["task"]["id"]["name"] == "env.child"
    assert details["attempts"][0]["phase"] in NOT_ENDED
    # The children run: the executor took them from the Enqueue.
    deadline = time.monotonic() + 30
    while details["status"]["phase"] != "ACTION_PHASE_RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)
        details = connect(sandbox, "workflow.RunService/GetActionDetails",
                          {"actionId": {**child_id, "name": "c1"}}).json()["details"]
    assert details["status"]["phase"] == "ACTION_PHASE_RUNNING"


def test_a_stream_whose_client_goes_is_closed_and_counted_no_more(sandbox):
    create_run(sandbox, "held-1")
    before = open_streams(sandbox)
    holder = subprocess.Popen(client_args(sandbox, "hold", "held-1"), stdout=subprocess.PIPE, text=True,
                              env=sandbox.env)
    try:
        assert json.loads(holder.stdout.readline()) == {"open": True}
        assert open_streams(sandbox) == before + 1
    finally:
        holder.kill()
        holder.wait(10)
    deadline = time.monotonic() + 5
    while open_streams(sandbox) != before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert open_streams(sandbox) == before


def test_watch_action_details_follows_the_run_until_abort_run_ends_it(sandbox):
    create_run(sandbox, "aborted-1")
    seen = run_client(sandbox, "details", "aborted-1")
    assert seen["first"]["phase"] in NOT_ENDED
    assert seen["after"] == {"reason": "enough"}
    # The stream ended with the action: the executor ended it.
    assert seen["last_phase"] == "ACTION_PHASE_ABORTED"
    assert seen["unknown_run"] == "NOT_FOUND"
    details = connect(sandbox, "workflow.RunService/GetRunDetails",
                      {"runId": {"project": PROJECT, "domain": DOMAIN, "name": "aborted-1"}}).json()["details"]
    assert details["action"]["abortInfo"] == {"reason": "enough"}
    assert details["action"]["status"]["phase"] == "ACTION_PHASE_ABORTED"


def test_unserved_streams_are_unimplemented_and_a_deadline_ends_a_stream(sandbox):
    assert run_client(sandbox, "unserved", "none")["code"] == "UNIMPLEMENTED"
    create_run(sandbox, "deadline-1")
    started = time.monotonic()
    ended = run_client(sandbox, "deadline", "deadline-1")
    assert ended == {"code": "DEADLINE_EXCEEDED", "seen": 1}  # the sentinel, then the deadline
    assert time.monotonic() - started < 30


def test_a_graceful_shutdown_ends_open_streams_at_once(sandbox_factory):
    sandbox = sandbox_factory.start()
    create_run(sandbox, "shutdown-1")
    holder = subprocess.Popen(client_args(sandbox, "hold", "shutdown-1"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=sandbox.env)
    try:
        assert json.loads(holder.stdout.readline()) == {"open": True}
        started = time.monotonic()
        sandbox.stop_and_check()
        # Well within server.shutdown_grace (10 s), which an open stream would otherwise take whole.
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait(10)
