"""Flyte 2 runs through their life with the real `flyte` CLI and SDK (.venv-flyte2): a child that
fails once is retried and its parent gets the second attempt's output; `@flyte.trace`d calls are
recorded as finished actions of their task; a cached task runs once for the same inputs, within a
run, across runs and as a run of its own; aborting a run ends its running children (their
processes too); a sandbox killed with -9 while a parent's 20 children run picks them up again, so
the run succeeds with each child run once; and Flyte 1's flytekit and Flyte 2's SDK use one sandbox
side by side."""

from __future__ import annotations

import signal
import time
from collections import Counter

from conftest import flyte2_config
from e2e_support import run_hello_wf
from flyte2_support import TERMINAL, actions_of, connect, flyte_run, output_of, run_id, wait_for, wait_succeeded

SUCCEEDED = "ACTION_PHASE_SUCCEEDED"


def children(sandbox, run: str) -> list[dict]:
    return [a for name, a in actions_of(sandbox, run).items() if name != "a0"]


def marker_lines(marker) -> list[str]:
    return marker.read_text().splitlines() if marker.exists() else []


def wait_until(what: str, check, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_a_failing_child_is_retried_and_its_parent_gets_the_second_attempts_output(flyte2_sandbox, tmp_path):
    sandbox = flyte2_sandbox
    marker = tmp_path / "flaky.txt"
    flyte_run(sandbox, "flaky-child", "lifecycle.py", "calls_flaky", "--marker", str(marker))
    wait_succeeded(sandbox, "flaky-child")
    assert output_of(sandbox, "flaky-child") == {"stringValue": "the second attempt succeeded"}
    [child] = children(sandbox, "flaky-child")
    assert child["status"]["phase"] == SUCCEEDED
    assert child["status"]["attempts"] == 2
    assert marker_lines(marker) == ["attempt", "attempt"]
    details = connect(sandbox, "workflow.RunService/GetActionDetails",
                      {"actionId": {"run": run_id("flaky-child"), "name": child["id"]["name"]}}).json()["details"]
    first, second = details["attempts"]
    assert first["phase"] == "ACTION_PHASE_FAILED"
    assert "the first attempt fails" in first["errorInfo"]["message"]
    assert second["phase"] == SUCCEEDED


def test_traced_calls_are_recorded_as_finished_actions_of_their_task(flyte2_sandbox):
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "traced-3", "lifecycle.py", "traced", "--n", "3")
    wait_succeeded(sandbox, "traced-3")
    assert output_of(sandbox, "traced-3") == {"integer": "6"}  # 2 * (0 + 1 + 2)
    traces = children(sandbox, "traced-3")
    assert len(traces) == 3
    for trace in traces:
        assert trace["metadata"]["actionType"] == "ACTION_TYPE_TRACE", trace
        assert trace["metadata"]["parent"] == "a0"
        assert trace["status"]["phase"] == SUCCEEDED


def test_a_cached_task_runs_once_for_the_same_inputs(flyte2_sandbox, tmp_path):
    sandbox = flyte2_sandbox
    marker = tmp_path / "squares.txt"
    # Within a run: the second call with the same inputs is answered from the cache.
    flyte_run(sandbox, "cached-1", "lifecycle.py", "squares_twice", "--marker", str(marker), "--x", "3")
    wait_succeeded(sandbox, "cached-1")
    assert output_of(sandbox, "cached-1") == {"integer": "18"}
    assert marker_lines(marker) == ["square 3"]
    statuses = sorted(c["status"].get("cacheStatus") for c in children(sandbox, "cached-1"))
    assert statuses == ["CACHE_HIT", "CACHE_POPULATED"]

    # Across runs: both calls hit.
    flyte_run(sandbox, "cached-2", "lifecycle.py", "squares_twice", "--marker", str(marker), "--x", "3")
    wait_succeeded(sandbox, "cached-2")
    assert output_of(sandbox, "cached-2") == {"integer": "18"}
    assert marker_lines(marker) == ["square 3"]
    assert [c["status"].get("cacheStatus") for c in children(sandbox, "cached-2")] == ["CACHE_HIT", "CACHE_HIT"]
    shown = connect(sandbox, "dataproxy.DataProxyService/GetActionData",
                    {"actionId": {"run": run_id("cached-2"), "name": children(sandbox, "cached-2")[0]["id"]["name"]}})
    assert shown.json()["outputs"]["literals"][0]["value"]["scalar"]["primitive"] == {"integer": "9"}

    # A run of the cached task itself: the second run is answered without running.
    for name in ("cached-root-1", "cached-root-2"):
        flyte_run(sandbox, name, "lifecycle.py", "cached_square", "--marker", str(marker), "--x", "4")
        wait_succeeded(sandbox, name)
        assert output_of(sandbox, name) == {"integer": "16"}
    assert marker_lines(marker) == ["square 3", "square 4"]
    assert details_cache_status(sandbox, "cached-root-1") == "CACHE_POPULATED"
    assert details_cache_status(sandbox, "cached-root-2") == "CACHE_HIT"


def details_cache_status(sandbox, run: str) -> str:
    details = connect(sandbox, "workflow.RunService/GetRunDetails", {"runId": run_id(run)}).json()["details"]
    return details["action"]["status"].get("cacheStatus", "CACHE_DISABLED")


def test_aborting_a_run_ends_its_running_children_and_their_processes(flyte2_sandbox, tmp_path):
    sandbox = flyte2_sandbox
    marker = tmp_path / "sleepers.txt"
    flyte_run(sandbox, "abort-kids", "lifecycle.py", "sleepers", "--marker", str(marker), "--n", "3",
              "--seconds", "8")
    wait_until("the three children never started",
               lambda: sum(line.startswith("start") for line in marker_lines(marker)) == 3, timeout=180)
    aborted = connect(sandbox, "workflow.RunService/AbortRun", {"runId": run_id("abort-kids"), "reason": "enough"})
    assert aborted.status_code == 200, aborted.text
    action = wait_for(sandbox, "abort-kids", TERMINAL, timeout=30)
    assert action["status"]["phase"] == "ACTION_PHASE_ABORTED", action
    wait_until("the children did not end ABORTED",
               lambda: all(c["status"]["phase"] == "ACTION_PHASE_ABORTED" for c in children(sandbox, "abort-kids")),
               timeout=30)
    assert len(children(sandbox, "abort-kids")) == 3
    # Past the children's 8 s of sleep: a child still alive would have written its end.
    time.sleep(10)
    assert not [line for line in marker_lines(marker) if line.startswith("end")], marker_lines(marker)


def test_a_kill_9_while_20_children_run_loses_none_and_runs_each_once(sandbox_factory):
    base = sandbox_factory.new_dir("flyte2-kill-fanout")
    state = base / "state"
    config = flyte2_config(base)
    first = sandbox_factory.start(base=base / "first", state_dir=state, home=base / "home", config=config)
    marker = sandbox_factory.new_dir("marker") / "sleepers.txt"
    flyte_run(first, "fanout-kill", "lifecycle.py", "sleepers", "--marker", str(marker), "--n", "20",
              "--seconds", "4")
    # Some children have started, not all have ended.
    wait_until("no child started", lambda: sum(line.startswith("start") for line in marker_lines(marker)) >= 3,
               timeout=180)
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(10)
    ended_before = sum(line.startswith("end") for line in marker_lines(marker))
    assert ended_before < 20, "every child ended before the kill"

    second = sandbox_factory.start(base=base / "second", state_dir=state, home=base / "home", port=first.port,
                                   config=config)
    wait_succeeded(second, "fanout-kill", timeout=400)
    assert output_of(second, "fanout-kill") == {"integer": str(sum(range(20)))}
    kids = children(second, "fanout-kill")
    assert len(kids) == 20
    assert all(k["status"]["phase"] == SUCCEEDED and k["status"]["attempts"] == 1 for k in kids), kids
    counts = Counter(marker_lines(marker))
    assert counts == Counter([f"start {i}" for i in range(20)] + [f"end {i}" for i in range(20)]), counts


def test_flytekit_and_the_flyte_2_sdk_share_one_sandbox(flyte2_sandbox):
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "beside-v1", "hello.py", "say_hello", "--name", "v2")
    run_hello_wf(sandbox)
    wait_succeeded(sandbox, "beside-v1")
    assert output_of(sandbox, "beside-v1") == {"stringValue": "hello v2"}
