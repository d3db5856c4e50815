"""Executions on the sandbox's engine with real flytekit: tasks run as local processes.

The module registers `flyteproj/runs` once (fast registration with `--destination-dir .`, so
each attempt unpacks the code in its own working folder) and launches its workflows through
FlyteRemote, plus `pyflyte run --remote` for the paths users type.
"""

from __future__ import annotations

import os
import re
import time
from datetime import timedelta

import pytest
from flytekit.models.core.execution import NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase

from e2e_support import DOMAIN, FLYTEPROJ, PROJECT, register_package, run_pyflyte, unique

VERSION = "runs-v1"
POLL = timedelta(milliseconds=200)


@pytest.fixture(scope="module")
def sandbox(task_sandbox):
    return task_sandbox


@pytest.fixture(scope="module")
def remote(sandbox):
    return register_package(sandbox, "runs", VERSION)


def run(remote, workflow: str, timeout: float = 120, **inputs):
    lp = remote.fetch_launch_plan(name=f"runs.workflows.{workflow}", version=VERSION)
    execution = remote.execute(lp, inputs=inputs, execution_name=unique("e")[-20:].replace("_", "-").lower())
    return remote.wait(execution, timeout=timedelta(seconds=timeout), poll_interval=POLL, sync_nodes=True)


def task_attempts(execution):
    return {node_id: node.task_executions for node_id, node in execution.node_executions.items() if node.task_executions}


def test_hello_world(remote):
    execution = run(remote, "hello_wf", name="flyte")
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == "hello flyte"
    nodes = {k: v for k, v in execution.node_executions.items() if k not in ("start-node", "end-node")}
    assert len(nodes) == 1
    (node,) = nodes.values()
    assert node.closure.phase == NodeExecutionPhase.SUCCEEDED
    assert len(node.task_executions) == 1
    attempt = node.task_executions[0]
    assert attempt.closure.phase == TaskExecutionPhase.SUCCEEDED
    assert attempt.closure.logs and attempt.closure.logs[0].uri.startswith("http://")
    assert node.inputs["name"] == "flyte"
    assert node.outputs["o0"] == "hello flyte"


def test_chain_and_fan_out(remote):
    chained = run(remote, "chain_wf", x=3)
    assert chained.closure.phase == WorkflowExecutionPhase.SUCCEEDED, chained.closure.error
    assert chained.outputs["o0"] == 16
    fanned = run(remote, "fanout_wf", x=1)
    assert fanned.closure.phase == WorkflowExecutionPhase.SUCCEEDED, fanned.closure.error
    assert fanned.outputs["o0"] == 2 + 3 + 4
    assert len(task_attempts(fanned)) == 4


def test_sub_workflow(remote):
    execution = run(remote, "parent_wf", x=4)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == 17
    parents = [n for n in execution.node_executions.values() if n.metadata.is_parent_node]
    assert len(parents) == 1
    assert parents[0].subworkflow_node_executions, "children of the sub-workflow node are listed under it"


@pytest.mark.parametrize("x, expected", [(7, 49), (2, 102)])
def test_conditional_takes_each_branch(remote, x, expected):
    execution = run(remote, "branch_wf", x=x)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == expected


def test_conditional_fail_branch(remote):
    execution = run(remote, "branch_fail_wf", x=1)
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    assert "x is too small" in execution.closure.error.message


def test_user_error_fails_with_the_exception(remote):
    execution = run(remote, "boom_wf", x=5)
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    assert "boom with 5" in execution.closure.error.message


def test_recoverable_error_is_retried(remote):
    execution = run(remote, "flaky_wf", word="done")
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == "done on attempt 1"
    (attempts,) = task_attempts(execution).values()
    assert [a.closure.phase for a in attempts] == [TaskExecutionPhase.FAILED, TaskExecutionPhase.SUCCEEDED]


def test_timeout_stops_the_task(remote):
    started = time.monotonic()
    execution = run(remote, "timeout_wf", seconds=60)
    assert time.monotonic() - started < 30
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    assert "timeout" in execution.closure.error.message.lower()


def test_terminate_aborts_and_kills_the_process(remote, sandbox):
    lp = remote.fetch_launch_plan(name="runs.workflows.long_wf", version=VERSION)
    execution = remote.execute(lp, inputs={"seconds": 300}, execution_name=unique("t")[-20:].replace("_", "-").lower())
    deadline = time.monotonic() + 60
    pid = None
    while time.monotonic() < deadline and pid is None:
        pid = _sleeping_task_pid(execution.id.name)
        time.sleep(0.2)
    assert pid, "the task process never started"
    remote.terminate(execution, cause="stop it")
    execution = remote.wait(execution, timeout=timedelta(seconds=30), poll_interval=POLL)
    assert execution.closure.phase == WorkflowExecutionPhase.ABORTED
    for _ in range(100):
        if not _alive(pid):
            break
        time.sleep(0.1)
    assert not _alive(pid), "the task process survived the abort"


def _sleeping_task_pid(execution_name: str):
    for proc in os.listdir("/proc"):
        if not proc.isdigit():
            continue
        try:
            environ = open(f"/proc/{proc}/environ", "rb").read()
        except OSError:
            continue
        if f"FLYTE_INTERNAL_EXECUTION_ID={execution_name}".encode() in environ:
            return int(proc)
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return not open(f"/proc/{pid}/stat").read().split(")")[1].split()[0] == "Z"
    except OSError:
        return False


def test_pyflyte_run_remote_wait(sandbox):
    res = run_pyflyte(
        sandbox, "--config", sandbox.config_path, "run", "--remote", "--wait", "--poll-interval", "1",
        "--project", PROJECT, "--domain", DOMAIN, "runs/workflows.py", "chain_wf", "--x", "2", cwd=FLYTEPROJ,
    )
    assert res.returncode == 0, res.output
    assert re.search(r"executions/[a-z0-9]+", res.output), res.output


def test_pyflyte_run_remote_single_task(sandbox, remote):
    res = run_pyflyte(
        sandbox, "--config", sandbox.config_path, "run", "--remote", "--wait", "--poll-interval", "1",
        "--project", PROJECT, "--domain", DOMAIN, "runs/workflows.py", "square", "--x", "9", cwd=FLYTEPROJ,
    )
    assert res.returncode == 0, res.output
    name = re.search(r"executions/([a-z0-9]+)", res.output).group(1)
    execution = remote.fetch_execution(name=name)
    assert execution.spec.launch_plan.resource_type == 1  # TASK, as flytekit expects
    execution = remote.sync(execution)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == 81


def test_relaunch_uses_the_same_inputs(remote, sandbox):
    first = run(remote, "chain_wf", x=5)
    assert first.outputs["o0"] == 36
    from flyteidl.admin import execution_pb2
    from flyteidl.core import identifier_pb2

    response = sandbox.admin().RelaunchExecution(
        execution_pb2.ExecutionRelaunchRequest(
            id=identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=first.id.name),
            name=unique("r")[-20:].replace("_", "-").lower(),
        ),
        timeout=10,
    )
    again = remote.wait(remote.fetch_execution(name=response.id.name), timeout=timedelta(seconds=120),
                        poll_interval=POLL)
    assert again.closure.phase == WorkflowExecutionPhase.SUCCEEDED, again.closure.error
    assert again.outputs["o0"] == 36


def test_flyte_urls_and_deck_link(remote, sandbox):
    import requests
    from flyteidl.service import dataproxy_pb2, dataproxy_pb2_grpc

    execution = run(remote, "deck_wf", x=3)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    (node_id,) = [k for k in execution.node_executions if k not in ("start-node", "end-node")]
    base = f"flyte://v1/{PROJECT}/{DOMAIN}/{execution.id.name}/{node_id}"
    # FlyteRemote.get resolves flyte:// URLs through DataProxyService.GetData.
    assert remote.get(f"{base}/o").get("o0", as_type=int) == 9
    assert remote.get(f"{base}/0/i").get("x", as_type=int) == 3

    node = execution.node_executions[node_id]
    dataproxy = dataproxy_pb2_grpc.DataProxyServiceStub(sandbox.channel())
    link = dataproxy.CreateDownloadLink(
        dataproxy_pb2.CreateDownloadLinkRequest(artifact_type=dataproxy_pb2.ARTIFACT_TYPE_DECK,
                                                node_execution_id=node.id.to_flyte_idl()),
        timeout=10,
    )
    (url,) = link.pre_signed_urls.signed_url
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and "<html" in page.text.lower(), page.text[:200]


def _spans(span):
    yield span
    for child in span.spans:
        yield from _spans(child)


def _node_tree(nodes):
    """(node ids, attempt count) of FlyteRemote's node executions, sub-workflow children included."""
    ids, attempts = set(), 0
    for node_id, node in nodes.items():
        if node_id in ("start-node", "end-node"):
            continue
        ids.add(node.id.node_id)
        attempts += len(node.task_executions or [])
        child_ids, child_attempts = _node_tree(node.subworkflow_node_executions or {})
        ids |= child_ids
        attempts += child_attempts
    return ids, attempts


def test_execution_metrics_span_every_node_and_attempt(remote, sandbox):
    import requests
    from flyteidl.admin import execution_pb2

    execution = run(remote, "parent_wf", x=4)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    response = sandbox.admin().GetExecutionMetrics(
        execution_pb2.WorkflowExecutionGetMetricsRequest(id=execution.id.to_flyte_idl(), depth=10), timeout=10
    )
    root = response.span
    assert root.workflow_id.name == execution.id.name
    spans = list(_spans(root))
    for span in spans:
        assert span.start_time.ToNanoseconds() <= span.end_time.ToNanoseconds(), span
    node_ids, attempts = _node_tree(execution.node_executions)
    assert (len(node_ids), attempts) == (3, 2)  # inner_wf's node and its child, then add; one attempt each task
    assert {s.node_id.node_id for s in spans if s.HasField("node_id")} == node_ids
    assert len([s for s in spans if s.HasField("task_id")]) == attempts
    assert {s.operation_id for s in root.spans if s.operation_id} == {"WORKFLOW_SETUP", "WORKFLOW_TEARDOWN"}

    rsp = requests.get(
        f"{sandbox.http}/api/v1/metrics/executions/{PROJECT}/{DOMAIN}/{execution.id.name}", params={"depth": 1},
        timeout=10,
    )
    assert rsp.status_code == 200, rsp.text
    top = rsp.json()["span"]
    assert top["workflow_id"]["name"] == execution.id.name
    assert all("spans" not in s or not s["spans"] for s in top["spans"]), "depth 1 stops below the nodes"
