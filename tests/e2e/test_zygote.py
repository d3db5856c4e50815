"""Python tasks forked by a zygote (src/plugins/local/python_worker.h) with real flytekit: each
task in a process of its own with the module state of a fresh interpreter, and a kill -9 of the
sandbox during a map of Python items runs each item once."""

from __future__ import annotations

import collections
import re
import signal
import time
from datetime import timedelta

from e2e_support import VENV_BIN, register_package, run_flyte, unique
from flytekit.models.core.execution import WorkflowExecutionPhase

VERSION = "forked-v1"
POLL = timedelta(milliseconds=200)


def start(sandbox_factory, base, **kwargs):
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n")
    return sandbox_factory.start(base=base / f"run{time.monotonic_ns()}", config=config, **kwargs)


def launch(remote, workflow, **inputs):
    lp = remote.fetch_launch_plan(name=f"forked.tasks.{workflow}", version=VERSION)
    return remote.execute(lp, inputs=inputs, execution_name=unique("z")[-20:].replace("_", "-").lower())


def test_tasks_are_forked_and_see_pristine_module_globals(sandbox_factory):
    base = sandbox_factory.new_dir("forked")
    sandbox = start(sandbox_factory, base)
    remote = register_package(sandbox, "forked", VERSION)
    execution = remote.wait(launch(remote, "globals_wf"), timeout=timedelta(seconds=120), poll_interval=POLL)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    first, second = (execution.outputs[name].split("|") for name in ("o0", "o1"))
    assert first[0] == "a" and second[0] == "b"  # neither saw the other's append
    assert first[1] == second[1] != str(sandbox.proc.pid)  # both children of one zygote
    assert first[2] != second[2] and first[3] != second[3]  # own processes, own seeds

    # `sandbox status` tells what the waiting zygotes hold: each has flytekit imported (tens of MiB).
    status = run_flyte("sandbox", "status", "--state-dir", sandbox.state_dir, env=sandbox.env)
    assert status.returncode == 0, status.stdout + status.stderr
    memory = re.search(r"Memory: sandbox ([\d.]+) MiB; (\d+) Python zygotes? .* ([\d.]+) MiB", status.stdout)
    assert memory, status.stdout
    assert float(memory[1]) > 1 and int(memory[2]) >= 1 and float(memory[3]) > 20, status.stdout


def test_a_map_over_100_python_items_succeeds_with_outputs_in_order(sandbox_factory):
    base = sandbox_factory.new_dir("forked-map")
    sandbox = start(sandbox_factory, base)
    remote = register_package(sandbox, "forked", VERSION)
    xs = list(range(100))
    execution = remote.wait(launch(remote, "map_wf", xs=xs), timeout=timedelta(seconds=300), poll_interval=POLL)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == [2 * x for x in xs]


def test_kill_9_during_a_python_map_runs_each_item_once(sandbox_factory):
    base = sandbox_factory.new_dir("forked-crash")
    state = base / "state"
    # Not on the way to the state folder: confined tasks cannot create files there.
    marker = sandbox_factory.new_dir("markers") / "markers.txt"
    sandbox = start(sandbox_factory, base, state_dir=state)
    remote = register_package(sandbox, "forked", VERSION)
    xs = list(range(20))
    execution = launch(remote, "marked_map_wf", xs=xs, marker=str(marker))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not marker.exists() or len(marker.read_text().splitlines()) < 5):
        time.sleep(0.05)
    assert marker.exists(), "no item started"
    sandbox.proc.send_signal(signal.SIGKILL)
    sandbox.proc.wait(10)
    sandbox.close_channel()

    sandbox = start(sandbox_factory, base, state_dir=state, port=sandbox.port)
    execution = remote.wait(execution, timeout=timedelta(seconds=180), poll_interval=POLL)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == [3 * x for x in xs]
    runs = collections.Counter(marker.read_text().splitlines())
    assert runs == collections.Counter(f"start {x}" for x in xs), runs


def outcome(execution):
    """What a user sees of an execution: phase, outputs, and the error with pids and times taken out."""
    error = execution.closure.error
    message = re.sub(r"\d+", "N", error.message) if error else None
    return execution.closure.phase, execution.outputs if not error else None, error.code if error else None, message


def test_threads_children_time_limits_and_signals_as_in_a_fresh_interpreter(sandbox_factory):
    base = sandbox_factory.new_dir("forked-like-fresh")
    seen = {}
    for warm_python in (2, 0):  # forked by a zygote, then each task its own interpreter
        config = base / f"sandbox-{warm_python}.yaml"
        config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n  warm_python: {warm_python}\n")
        sandbox = sandbox_factory.start(base=base / f"warm{warm_python}", config=config)
        remote = register_package(sandbox, "forked", VERSION)
        runs = {name: launch(remote, name) for name in ("children_wf", "overstays_wf", "killed_wf")}
        seen[warm_python] = {
            name: outcome(remote.wait(execution, timeout=timedelta(seconds=120), poll_interval=POLL))
            for name, execution in runs.items()
        }
    assert seen[2] == seen[0]
    assert seen[2]["children_wf"][:2] == (WorkflowExecutionPhase.SUCCEEDED, {"o0": 140, "o1": "child|140"})
    assert seen[2]["overstays_wf"][0] == WorkflowExecutionPhase.FAILED
    assert seen[2]["killed_wf"][0] == WorkflowExecutionPhase.FAILED
