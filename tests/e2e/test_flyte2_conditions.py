"""Flyte 2 conditions with the real `flyte` CLI and SDK (.venv-flyte2): a task waits on a condition
until `flyte signal condition` (or RunService/SignalEvent) resolves it, and returns what depends on
the value; a condition's timeout reaches the task as ConditionTimedoutError; an abort of the run
ends a waiting condition; a kill -9 of the sandbox leaves it waiting; and `flyte update project`
updates what Flyte 1 and 2 both see."""

from __future__ import annotations

import signal
import time

import requests
from conftest import flyte2_config
from e2e_support import DOMAIN, PROJECT, flyte2
from flyte2_support import SCOPE, TERMINAL, connect, flyte_run, output_of, run_id, wait_for

SUCCEEDED = "ACTION_PHASE_SUCCEEDED"
CONDITION = "ACTION_TYPE_CONDITION"


def conditions_of(sandbox, run: str) -> list[dict]:
    """The run's condition actions, as `flyte signal` lists them (a filter on their type)."""
    listed = connect(sandbox, "workflow.RunService/ListActions", {
        "runId": run_id(run),
        "request": {"filters": [{"function": "EQUAL", "field": "action_type", "values": ["3"]}]},
    })
    assert listed.status_code == 200, listed.text
    return listed.json().get("actions", [])


def waiting_condition(sandbox, run: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        found = conditions_of(sandbox, run)
        if found and found[0]["status"]["phase"] == "ACTION_PHASE_RUNNING":
            return found[0]
        assert time.monotonic() < deadline, f"run {run} has no waiting condition: {found}"
        time.sleep(0.2)


def paused_runs(sandbox) -> list[str]:
    listed = connect(sandbox, "workflow.RunService/ListRuns",
                     {"projectId": {"name": PROJECT, "domain": DOMAIN}, "pausedActionsOnly": True})
    assert listed.status_code == 200, listed.text
    return [r["action"]["id"]["run"]["name"] for r in listed.json().get("runs", [])]


def signal_event(sandbox, run: str, action: str, payload: dict) -> requests.Response:
    return connect(sandbox, "workflow.RunService/SignalEvent",
                   {"actionId": {"run": run_id(run), "name": action}, "parentActionName": "a0", "payload": payload})


def test_flyte_signal_resolves_a_bool_condition_and_the_task_gets_its_value(flyte2_sandbox):
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "approve-1", "conditions.py", "approval")
    condition = waiting_condition(sandbox, "approve-1")
    assert condition["metadata"]["actionType"] == CONDITION
    assert condition["metadata"]["parent"] == "a0"
    assert condition["metadata"]["condition"] == {"name": "approve", "type": {"simple": "BOOLEAN"}}
    assert details_phase(sandbox, "approve-1") == "ACTION_PHASE_RUNNING"  # the task waits

    assert "approve-1" in paused_runs(sandbox)

    name = condition["id"]["name"]
    signaled = flyte2(sandbox, "signal", "condition", *SCOPE, "approve-1", name, "true")
    printed = " ".join(signaled.stdout.split())  # rich wraps long lines
    assert "Ship it?" in printed and "has been signaled" in printed, signaled.stdout
    action = wait_for(sandbox, "approve-1", TERMINAL, timeout=120)
    assert action["status"]["phase"] == SUCCEEDED, action
    assert output_of(sandbox, "approve-1") == {"stringValue": "approved"}
    assert "approve-1" not in paused_runs(sandbox)

    got = connect(sandbox, "workflow.RunService/GetActionDetails",
                  {"actionId": {"run": run_id("approve-1"), "name": name}}).json()["details"]
    assert got["status"]["phase"] == SUCCEEDED
    assert got["signalInfo"]["output"]["scalar"]["primitive"] == {"boolean": True}
    assert got["condition"]["prompt"] == "Ship it?"
    data = connect(sandbox, "dataproxy.DataProxyService/GetActionData",
                   {"actionId": {"run": run_id("approve-1"), "name": name}}).json()
    assert data["outputs"]["literals"] == [{"name": "o0", "value": {"scalar": {"primitive": {"boolean": True}}}}]

    # Signaled once: a second signal is refused, by the CLI too.
    again = signal_event(sandbox, "approve-1", name, {"boolValue": False})
    assert again.status_code == 400 and again.json()["code"] == "failed_precondition", again.text
    refused = flyte2(sandbox, "signal", "condition", *SCOPE, "approve-1", name, "false", check=False)
    assert refused.returncode != 0


def test_an_int_condition_checks_the_payload_type_and_the_task_doubles_the_value(flyte2_sandbox):
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "doubled-1", "conditions.py", "doubled")
    name = waiting_condition(sandbox, "doubled-1")["id"]["name"]
    wrong = signal_event(sandbox, "doubled-1", name, {"stringValue": "seven"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_argument", wrong.text
    assert "takes int, the payload is str" in wrong.json()["message"]
    unknown = signal_event(sandbox, "doubled-1", "nope", {"intValue": "7"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found", unknown.text
    assert details_phase(sandbox, "doubled-1") == "ACTION_PHASE_RUNNING"

    flyte2(sandbox, "signal", "condition", *SCOPE, "doubled-1", name, "21")
    action = wait_for(sandbox, "doubled-1", TERMINAL, timeout=120)
    assert action["status"]["phase"] == SUCCEEDED, action
    assert output_of(sandbox, "doubled-1") == {"integer": "42"}


def test_a_condition_not_signaled_in_time_times_out_and_the_task_handles_it(flyte2_sandbox):
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "impatient-1", "conditions.py", "impatient", "--seconds", "2")
    action = wait_for(sandbox, "impatient-1", TERMINAL, timeout=120)
    assert action["status"]["phase"] == SUCCEEDED, action
    assert output_of(sandbox, "impatient-1") == {"stringValue": "timed out"}
    [condition] = conditions_of(sandbox, "impatient-1")
    assert condition["status"]["phase"] == "ACTION_PHASE_TIMED_OUT"
    late = signal_event(sandbox, "impatient-1", condition["id"]["name"], {"boolValue": True})
    assert late.status_code == 400 and late.json()["code"] == "failed_precondition", late.text


def test_aborting_the_run_ends_its_waiting_condition(flyte2_sandbox):
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "abandoned-1", "conditions.py", "approval")
    name = waiting_condition(sandbox, "abandoned-1")["id"]["name"]
    aborted = connect(sandbox, "workflow.RunService/AbortRun", {"runId": run_id("abandoned-1"), "reason": "no answer"})
    assert aborted.status_code == 200, aborted.text
    assert wait_for(sandbox, "abandoned-1", TERMINAL)["status"]["phase"] == "ACTION_PHASE_ABORTED"
    [condition] = conditions_of(sandbox, "abandoned-1")
    assert condition["id"]["name"] == name
    assert condition["status"]["phase"] == "ACTION_PHASE_ABORTED"


def v1_projects(sandbox, **params) -> dict:
    listed = requests.get(f"{sandbox.http}/api/v1/projects", params=params, timeout=10)
    assert listed.status_code == 200, listed.text
    return {p["id"]: p for p in listed.json().get("projects", [])}


def test_a_condition_waits_through_a_kill_9_and_its_signal_after_the_restart_reaches_the_task(sandbox_factory):
    base = sandbox_factory.new_dir("flyte2-kill-condition")
    state, config = base / "state", flyte2_config(base)
    first = sandbox_factory.start(base=base / "first", state_dir=state, home=base / "home", config=config)
    flyte_run(first, "approve-kill", "conditions.py", "approval")
    name = waiting_condition(first, "approve-kill")["id"]["name"]
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(10)

    second = sandbox_factory.start(base=base / "second", state_dir=state, home=base / "home", port=first.port,
                                   config=config)
    assert waiting_condition(second, "approve-kill")["id"]["name"] == name
    flyte2(second, "signal", "condition", *SCOPE, "approve-kill", name, "no")
    action = wait_for(second, "approve-kill", TERMINAL, timeout=180)
    assert action["status"]["phase"] == SUCCEEDED, action
    assert output_of(second, "approve-kill") == {"stringValue": "rejected"}


def test_flyte_update_project_changes_what_both_protocols_see(flyte2_sandbox):
    sandbox = flyte2_sandbox
    created = connect(sandbox, "project.ProjectService/CreateProject",
                      {"project": {"id": "conditions-proj", "name": "Conditions", "description": "before"}})
    assert created.status_code == 200, created.text
    flyte2(sandbox, "update", "project", "conditions-proj", "--description", "after", "--name", "Renamed")
    got = connect(sandbox, "project.ProjectService/GetProject", {"id": "conditions-proj"}).json()["project"]
    assert (got["name"], got["description"]) == ("Renamed", "after")
    assert v1_projects(sandbox)["conditions-proj"]["description"] == "after"

    flyte2(sandbox, "update", "project", "conditions-proj", "--archive")
    got = connect(sandbox, "project.ProjectService/GetProject", {"id": "conditions-proj"}).json()["project"]
    assert got["state"] == "PROJECT_STATE_ARCHIVED"
    assert got["description"] == "after"  # kept: the update sent it back
    assert "conditions-proj" not in v1_projects(sandbox)  # Flyte 1 hides archived projects
    assert list(v1_projects(sandbox, filters="eq(state,1)")) == ["conditions-proj"]
    assert PROJECT in v1_projects(sandbox)


def details_phase(sandbox, run: str) -> str:
    return connect(sandbox, "workflow.RunService/GetRunDetails",
                   {"runId": run_id(run)}).json()["details"]["action"]["status"]["phase"]
