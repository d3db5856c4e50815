"""Scheduled launch plans with real flytekit: `pyflyte register --activate-launchplans` of a FixedRate and a
CronSchedule launch plan; the next run of each is listed (/sandbox/v1/schedules, `flyte sandbox schedules`);
each slot runs once with its kick-off time, across a kill -9 and a restart, and a
deactivated schedule stops. About two minutes: minute slots are the smallest flytekit allows (the rest of
the scheduler's rules are unit-tested with a fake clock)."""

from __future__ import annotations

import json
import signal
import time
import urllib.request
from datetime import datetime, timezone

from flyteidl.admin import common_pb2, execution_pb2, launch_plan_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2
from flyteidl.core import identifier_pb2

from e2e_support import DOMAIN, FLYTEPROJ, PROJECT, RPC_TIMEOUT_S, VENV_BIN, run_flyte, run_pyflyte

VERSION = "sched-v1"
FIXED, CRON = "scheduled.every_minute", "scheduled.cron_minute"
Phase = core_execution_pb2.WorkflowExecution.Phase


def scheduled_executions(admin) -> dict[str, list]:
    listed = admin.ListExecutions(common_pb2.ResourceListRequest(
        id=common_pb2.NamedEntityIdentifier(project=PROJECT, domain=DOMAIN), limit=1000), timeout=RPC_TIMEOUT_S)
    runs: dict[str, list] = {FIXED: [], CRON: []}
    for execution in listed.executions:
        if execution.spec.launch_plan.name in runs:
            runs[execution.spec.launch_plan.name].append(execution)
    return runs


def wait_for(admin, condition, timeout: float) -> dict[str, list]:
    deadline = time.monotonic() + timeout
    while True:
        runs = scheduled_executions(admin)
        if condition(runs) or time.monotonic() > deadline:
            return runs
        time.sleep(1)


def done(executions) -> bool:
    return all(e.closure.phase in (Phase.SUCCEEDED, Phase.FAILED, Phase.ABORTED) for e in executions)


def planned(sb) -> dict[str, float]:
    """The next run time of each active schedule, as /sandbox/v1/schedules tells it."""
    with urllib.request.urlopen(f"{sb.http}/sandbox/v1/schedules", timeout=RPC_TIMEOUT_S) as reply:
        listed = json.load(reply)["schedules"]
    return {s["launchPlan"]["name"]: datetime.fromisoformat(s["nextRunAt"].replace("Z", "+00:00")).timestamp()
            for s in listed}


def test_schedules_run_each_slot_once_across_a_restart_and_stop_when_deactivated(sandbox_factory):
    base = sandbox_factory.new_dir("schedules")
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n")
    first = sandbox_factory.start(base=base / "first", state_dir=base / "state", config=config)
    res = run_pyflyte(first, "--config", first.config_path, "register", "--project", PROJECT, "--domain", DOMAIN,
                      "--version", VERSION, "--activate-launchplans", "scheduled", cwd=FLYTEPROJ)
    assert res.returncode == 0, res.output
    activated = time.time()

    # The next planned run is shown (HTTP and CLI) before it happens.
    next_runs = planned(first)
    assert set(next_runs) == {FIXED, CRON}, next_runs
    assert all(time.time() - 2 < t <= activated + 61 for t in next_runs.values()), next_runs
    assert next_runs[CRON] % 60 == 0
    listing = run_flyte("sandbox", "schedules", "--state-dir", first.state_dir, "--config", config, env=first.env)
    assert listing.returncode == 0, listing.stderr
    assert f"{PROJECT}/{DOMAIN}/{CRON}@{VERSION}" in listing.stdout and "* * * * *" in listing.stdout, listing.stdout
    assert f"{PROJECT}/{DOMAIN}/{FIXED}@{VERSION}" in listing.stdout and "every 1 MINUTE" in listing.stdout

    # Within a minute both have launched their first slot.
    runs = wait_for(first.admin(), lambda r: r[FIXED] and r[CRON] and done(r[FIXED] + r[CRON]), 100)
    assert len(runs[FIXED]) == 1 and len(runs[CRON]) == 1, runs
    first.admin().UpdateLaunchPlan(launch_plan_pb2.LaunchPlanUpdateRequest(
        id=identifier_pb2.Identifier(resource_type=identifier_pb2.LAUNCH_PLAN, project=PROJECT, domain=DOMAIN,
                                     name=CRON, version=VERSION),
        state=launch_plan_pb2.INACTIVE), timeout=RPC_TIMEOUT_S)

    assert set(planned(first)) == {FIXED}, "a deactivated schedule is still planned"

    # kill -9 and a restart within the fixed rate's slot: its first slot is not launched again.
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(10)
    second = sandbox_factory.start(base=base / "second", state_dir=base / "state", port=first.port, config=config)
    runs = wait_for(second.admin(), lambda r: len(r[FIXED]) >= 2 and done(r[FIXED]), 100)
    time.sleep(2)  # a duplicate of either slot would show by now
    runs = scheduled_executions(second.admin())

    assert len(runs[FIXED]) == 2, [e.id.name for e in runs[FIXED]]
    assert len(runs[CRON]) == 1, "the deactivated cron schedule launched again"
    for execution in runs[FIXED] + runs[CRON]:
        assert execution.closure.phase == Phase.SUCCEEDED, execution.closure.error
        assert execution.spec.metadata.mode == execution_pb2.ExecutionMetadata.SCHEDULED
        data = second.admin().GetExecutionData(
            execution_pb2.WorkflowExecutionGetDataRequest(id=execution.id), timeout=RPC_TIMEOUT_S)
        kickoff = data.full_inputs.literals["kickoff"].scalar.primitive.datetime.ToSeconds()
        assert kickoff == execution.spec.metadata.scheduled_at.ToSeconds()
        out = data.full_outputs.literals["o0"].scalar.primitive.string_value
        assert datetime.fromisoformat(out).replace(tzinfo=timezone.utc).timestamp() == kickoff
    slots = sorted(e.spec.metadata.scheduled_at.ToSeconds() for e in runs[FIXED])
    assert slots[1] - slots[0] == 60
    assert activated < slots[0] + 1 <= activated + 62
    cron_slot = runs[CRON][0].spec.metadata.scheduled_at.ToSeconds()
    assert cron_slot % 60 == 0
