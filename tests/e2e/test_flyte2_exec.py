"""Flyte 2's executor with the real `flyte` CLI (.venv-flyte2): `flyte run` of a task reaches
SUCCEEDED, each step of its attempt recorded, and its output comes back through the SDK (`flyte get
io`, GetActionData); a failing task is retried as its template says, each attempt recorded; and a
sandbox killed with -9 while a task runs re-attaches to it on restart, so the run succeeds with the
task run once; a parent's own process enqueues its children (ActionsService/Enqueue), follows them
(WatchForUpdates) and reads their outputs, 20 side by side and one level deeper."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from conftest import flyte2_config
from e2e_support import DOMAIN, PROJECT, flyte2
from flyte2_support import (SCOPE, TERMINAL, actions_of, connect, flyte_run, output_of, phases_of, run_id,
                            wait_for, wait_succeeded)


def waiting_zygotes(sandbox) -> list[int]:
    """The sandbox's zygotes for Flyte 2's a0 that have imported and forked a child ahead."""
    table = []
    for entry in Path("/proc").iterdir():
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            table.append((int(entry.name), parent, (entry / "cmdline").read_bytes().split(b"\0")))
        except (OSError, ValueError):
            continue
    zygotes = [pid for pid, parent, cmdline in table if parent == sandbox.proc.pid and len(cmdline) > 2
               and cmdline[1].endswith(b"flyte_python_worker.py") and cmdline[2].endswith(b"/a0")]
    return [z for z in zygotes if any(parent == z for _, parent, _ in table)]


def test_actions_fork_from_a_zygote_that_imported_the_flyte_sdk(flyte2_sandbox):
    """The first a0 starts its own interpreter while a zygote imports the flyte SDK; later ones are
    forked from it, single-threaded (the SDK's background loop is stopped there) until it forks."""
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "forked-1", "exec_tasks.py", "interpreter")
    wait_succeeded(sandbox, "forked-1")
    deadline = time.monotonic() + 120
    while not waiting_zygotes(sandbox):
        assert time.monotonic() < deadline, "no zygote for a0 forked a child ahead"
        time.sleep(0.2)
    [zygote] = waiting_zygotes(sandbox)
    before = time.time()
    flyte_run(sandbox, "forked-2", "exec_tasks.py", "interpreter")
    wait_succeeded(sandbox, "forked-2")
    started, parent, threads = output_of(sandbox, "forked-2")["stringValue"].split()
    assert int(parent) == zygote
    assert float(started) < before - 0.05, "the interpreter was not started ahead"
    assert int(threads) == 1


def test_hello_run_succeeds_and_its_output_comes_back(flyte2_sandbox):
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "hello-exec", "hello.py", "say_hello", "--name", "x")
    action = wait_for(sandbox, "hello-exec", TERMINAL)
    assert action["status"]["phase"] == "ACTION_PHASE_SUCCEEDED", action
    [attempt] = action["attempts"]
    assert phases_of(attempt) == ["QUEUED", "INITIALIZING", "RUNNING", "SUCCEEDED"]
    assert attempt["outputs"]["outputUri"].endswith("/hello-exec/a0/1/outputs.pb")

    # The SDK's run.outputs() (GetRunDetails, then GetActionData), as `flyte get io` prints it.
    shown = flyte2(sandbox, "get", "io", *SCOPE, "hello-exec")
    assert "hello x" in shown.stdout, shown.stdout + shown.stderr
    data = connect(sandbox, "dataproxy.DataProxyService/GetActionData",
                   {"actionId": {"run": run_id("hello-exec"), "name": "a0"}}).json()
    assert data["inputs"]["literals"][0]["name"] == "name"
    assert data["outputs"]["literals"][0]["value"]["scalar"]["primitive"]["stringValue"] == "hello x"
    # The attempt's log, in its own folder.
    [log] = (sandbox.state_dir / "logs" / "v2" / PROJECT / DOMAIN / "hello-exec" / "a0" / "1").glob("task.log")
    assert log.exists()


def test_a_failing_task_is_retried_and_each_attempt_recorded(flyte2_sandbox, tmp_path):
    sandbox = flyte2_sandbox
    marker = tmp_path / "attempts.txt"
    flyte_run(sandbox, "fails-exec", "exec_tasks.py", "always_fails", "--marker", str(marker))
    action = wait_for(sandbox, "fails-exec", TERMINAL)
    assert action["status"]["phase"] == "ACTION_PHASE_FAILED", action
    assert action["status"]["attempts"] == 3
    assert "always fails" in action["errorInfo"]["message"]
    attempts = action["attempts"]
    assert [a["attempt"] for a in attempts] == [1, 2, 3]
    assert all(a["phase"] == "ACTION_PHASE_FAILED" for a in attempts)
    assert phases_of(attempts[0]) == ["QUEUED", "INITIALIZING", "RUNNING", "FAILED"]
    assert phases_of(attempts[2]) == ["INITIALIZING", "RUNNING", "FAILED"]
    assert marker.read_text() == "attempt\n" * 3
    # Each attempt wrote its error into a folder of its own.
    run_base = sandbox.state_dir / "blobs" / "v2" / PROJECT / DOMAIN / "fails-exec" / "a0"
    assert sorted(p.parent.name for p in run_base.glob("*/error.pb")) == ["1", "2", "3"]


def test_a_run_survives_kill_9_of_the_sandbox_and_its_task_runs_once(sandbox_factory):
    base = sandbox_factory.new_dir("flyte2-exec-kill")
    state = base / "state"
    config = flyte2_config(base)
    first = sandbox_factory.start(base=base / "first", state_dir=state, home=base / "home", config=config)
    # Beside the state folder: confined tasks cannot create files in the folders above it.
    marker = sandbox_factory.new_dir("marker") / "runs.txt"
    flyte_run(first, "survives", "exec_tasks.py", "slow_hello", "--marker", str(marker), "--seconds", "20")
    wait_for(first, "survives", {"ACTION_PHASE_RUNNING"})
    deadline = time.monotonic() + 60
    while not (marker.exists() and marker.read_text().startswith("start\n")):
        assert time.monotonic() < deadline, "the task never started"
        time.sleep(0.1)
    assert marker.read_text() == "start\n", "the task ended before the kill"
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(10)

    second = sandbox_factory.start(base=base / "second", state_dir=state, home=base / "home", port=first.port,
                                   config=config)
    action = wait_for(second, "survives", TERMINAL)
    assert action["status"]["phase"] == "ACTION_PHASE_SUCCEEDED", action
    assert marker.read_text() == "start\nend\n"
    [attempt] = action["attempts"]
    assert phases_of(attempt) == ["QUEUED", "INITIALIZING", "RUNNING", "SUCCEEDED"]
    shown = flyte2(second, "get", "io", *SCOPE, "survives")
    assert "slept 20" in shown.stdout, shown.stdout + shown.stderr


def test_a_parent_gathers_20_children_it_enqueues_and_sums_their_outputs(flyte2_sandbox):
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "fanout-20", "fanout.py", "total", "--n", "20")
    action = wait_for(sandbox, "fanout-20", TERMINAL, timeout=300)
    assert action["status"]["phase"] == "ACTION_PHASE_SUCCEEDED", action
    assert output_of(sandbox, "fanout-20") == {"integer": str(sum(i * i for i in range(20)))}
    actions = actions_of(sandbox, "fanout-20")
    children = [a for name, a in actions.items() if name != "a0"]
    assert len(children) == 20
    for child in children:
        assert child["metadata"]["parent"] == "a0"
        assert child["status"]["phase"] == "ACTION_PHASE_SUCCEEDED"
        assert child["status"]["attempts"] == 1  # each child ran once
    shown = flyte2(sandbox, "get", "io", *SCOPE, "fanout-20")
    assert "o0=2470" in shown.stdout, shown.stdout + shown.stderr


def test_children_of_children_each_report_to_their_own_parent(flyte2_sandbox):
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "fanout-nested", "fanout.py", "nested", "--n", "2")
    action = wait_for(sandbox, "fanout-nested", TERMINAL, timeout=300)
    assert action["status"]["phase"] == "ACTION_PHASE_SUCCEEDED", action
    assert output_of(sandbox, "fanout-nested") == {"integer": "1"}  # total(1) + total(2) = 0 + (0 + 1)
    actions = actions_of(sandbox, "fanout-nested")
    parents = [name for name, a in actions.items() if a["metadata"].get("parent") == "a0"]
    assert len(parents) == 2  # the two totals
    grandchildren = [a for a in actions.values() if a["metadata"].get("parent") in parents]
    assert len(grandchildren) == 3  # one square under total(1), two under total(2)
    assert len(actions) == 1 + 2 + 3
    assert all(a["status"]["phase"] == "ACTION_PHASE_SUCCEEDED" for a in actions.values())


def test_the_data_of_an_unknown_action_is_not_found(flyte2_sandbox):
    reply = connect(flyte2_sandbox, "dataproxy.DataProxyService/GetActionData",
                    {"actionId": {"run": run_id("rnosuchrun"), "name": "a0"}})
    assert reply.status_code == 404 and reply.json()["code"] == "not_found", reply.text
