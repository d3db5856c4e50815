"""A full disk under the state folder (a 32 MB tmpfs mounted over it: this needs root, which CI
has, as here) fails the nodes that needed to write with a system error saying so, while the
engine still records it (registry.db-wal holds its space from the start); executions committed
before stay readable (gRPC and /data/), a new execution is refused with RESOURCE_EXHAUSTED, and
once there is room again executions run, without a restart."""

from __future__ import annotations

import errno
import subprocess
import time

import grpc
import pytest
import requests
from e2e_support import (
    DOMAIN,
    PROJECT,
    RPC_TIMEOUT_S,
    int_literal,
    int_type,
    launch_plan_id,
    rpc_error,
    task_id,
    workflow_id,
)
from flyteidl.admin import common_pb2, execution_pb2, launch_plan_pb2, node_execution_pb2, task_pb2
from flyteidl.admin import workflow_pb2 as admin_workflow_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2
from flyteidl.core import (
    identifier_pb2,
    interface_pb2,
    literals_pb2,
    tasks_pb2,
    types_pb2,
    workflow_pb2,
)
from flyteidl.service import dataproxy_pb2

VERSION = "disk-v1"
TERMINAL = (core_execution_pb2.WorkflowExecution.SUCCEEDED, core_execution_pb2.WorkflowExecution.FAILED)
NO_SPACE = "No space left on device"


@pytest.fixture
def small_state(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(state)],
                             capture_output=True, text=True, check=False)
    assert mounted.returncode == 0, f"this test mounts a tmpfs and needs root: {mounted.stderr}"
    yield state
    subprocess.run(["umount", "-l", str(state)], check=False)


def _register(admin):
    """wf(x): n0 sleeps 4 s, then n1 (after it) echoes x."""
    variables = interface_pb2.VariableMap(variables={"x": interface_pb2.Variable(type=int_type())})
    identity_iface = interface_pb2.TypedInterface(inputs=variables, outputs=variables)
    sleep_id = task_id("disk.sleep", VERSION)
    echo_id = task_id("disk.echo", VERSION)
    for tid, iface, script, args in (
        (sleep_id, interface_pb2.TypedInterface(), "sleep 4", []),
        (echo_id, identity_iface, 'mkdir -p "$1" && cp "$0" "$1/outputs.pb"', ["{{.input}}", "{{.outputPrefix}}"]),
    ):
        template = tasks_pb2.TaskTemplate(id=tid, type="container", interface=iface, container=tasks_pb2.Container(
            image="busybox", command=["/bin/sh", "-c", script], args=args))
        admin.CreateTask(task_pb2.TaskCreateRequest(id=tid, spec=task_pb2.TaskSpec(template=template)), timeout=RPC_TIMEOUT_S)
    wid = workflow_id("disk.wf", VERSION)
    start_x = literals_pb2.BindingData(promise=types_pb2.OutputReference(node_id="start-node", var="x"))
    n1_x = literals_pb2.BindingData(promise=types_pb2.OutputReference(node_id="n1", var="x"))
    wf = workflow_pb2.WorkflowTemplate(
        id=wid, interface=identity_iface,
        nodes=[workflow_pb2.Node(id="n0", task_node=workflow_pb2.TaskNode(reference_id=sleep_id)),
               workflow_pb2.Node(id="n1", upstream_node_ids=["n0"], inputs=[literals_pb2.Binding(var="x", binding=start_x)],
                                 task_node=workflow_pb2.TaskNode(reference_id=echo_id))],
        outputs=[literals_pb2.Binding(var="x", binding=n1_x)])
    admin.CreateWorkflow(admin_workflow_pb2.WorkflowCreateRequest(id=wid, spec=admin_workflow_pb2.WorkflowSpec(template=wf)),
                         timeout=RPC_TIMEOUT_S)
    lid = launch_plan_id("disk.wf", VERSION)
    admin.CreateLaunchPlan(launch_plan_pb2.LaunchPlanCreateRequest(id=lid, spec=launch_plan_pb2.LaunchPlanSpec(workflow_id=wid)),
                           timeout=RPC_TIMEOUT_S)
    return lid


def _id(name):
    return identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=name)


def _request(lid, name, x):
    return execution_pb2.ExecutionCreateRequest(
        project=PROJECT, domain=DOMAIN, name=name, spec=execution_pb2.ExecutionSpec(launch_plan=lid),
        inputs=literals_pb2.LiteralMap(literals={"x": int_literal(x)}))


def _get(admin, name):
    return admin.GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=_id(name)), timeout=RPC_TIMEOUT_S)


def _wait(admin, name, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        execution = _get(admin, name)
        if execution.closure.phase in TERMINAL:
            return execution
        time.sleep(0.2)
    pytest.fail(f"{name} did not finish within {timeout}s: {execution.closure}")


def _wait_running(admin, name, node_id, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        nodes = admin.ListNodeExecutions(node_execution_pb2.NodeExecutionListRequest(
            workflow_execution_id=_id(name), limit=10), timeout=RPC_TIMEOUT_S).node_executions
        if any(n.id.node_id == node_id and n.closure.phase == core_execution_pb2.NodeExecution.RUNNING for n in nodes):
            return
        time.sleep(0.1)
    pytest.fail(f"{name}/{node_id} did not start within {timeout}s")


def _output(admin, name):
    data = admin.GetExecutionData(execution_pb2.WorkflowExecutionGetDataRequest(id=_id(name)), timeout=RPC_TIMEOUT_S)
    return data.full_outputs.literals["x"].scalar.primitive.integer


def _fill(folder):
    """Writes zeros into folder/filler until the filesystem is full, to its last byte."""
    chunk = b"\0" * 65536
    with open(folder / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError as e:
            assert e.errno == errno.ENOSPC, e
    with open(folder / "filler-tail", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0")
        except OSError as e:
            assert e.errno == errno.ENOSPC, e


def test_a_full_disk_fails_the_nodes_that_write_and_keeps_the_rest(small_state, sandbox_factory, tmp_path):
    sb = sandbox_factory.start(base=tmp_path / "sb", state_dir=small_state)
    admin = sb.admin()
    lid = _register(admin)
    admin.CreateExecution(_request(lid, "before", 1), timeout=RPC_TIMEOUT_S)
    assert _wait(admin, "before").closure.phase == core_execution_pb2.WorkflowExecution.SUCCEEDED
    assert _output(admin, "before") == 1

    admin.CreateExecution(_request(lid, "during", 2), timeout=RPC_TIMEOUT_S)
    _wait_running(admin, "during", "n0")
    _fill(small_state)  # n0 still sleeps; when it ends, n1's inputs are written on a full disk
    during = _wait(admin, "during")
    assert during.closure.phase == core_execution_pb2.WorkflowExecution.FAILED
    error = during.closure.error
    assert error.kind == core_execution_pb2.ExecutionError.SYSTEM, error
    assert NO_SPACE in error.message, error

    # A new execution cannot store its inputs: RESOURCE_EXHAUSTED, saying why.
    refused = rpc_error(admin.CreateExecution, _request(lid, "refused", 4))
    assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, refused
    assert NO_SPACE in refused.details(), refused.details()

    # Reads still work, and what was committed before is all there.
    before = _get(admin, "before")
    assert before.closure.phase == core_execution_pb2.WorkflowExecution.SUCCEEDED
    assert _output(admin, "before") == 1
    listed = admin.ListExecutions(common_pb2.ResourceListRequest(
        id=common_pb2.NamedEntityIdentifier(project=PROJECT, domain=DOMAIN), limit=10), timeout=RPC_TIMEOUT_S)
    assert {e.id.name for e in listed.executions} == {"before", "during"}
    link = sb.dataproxy().CreateDownloadLocation(
        dataproxy_pb2.CreateDownloadLocationRequest(native_url=before.closure.outputs.uri), timeout=RPC_TIMEOUT_S)
    page = requests.get(link.signed_url, timeout=RPC_TIMEOUT_S)
    assert page.status_code == 200, page.text[:200]
    outputs = literals_pb2.LiteralMap()
    outputs.ParseFromString(page.content)
    assert outputs.literals["x"].scalar.primitive.integer == 1

    # Room again: executions run, in the same server.
    (small_state / "filler").unlink()
    (small_state / "filler-tail").unlink()
    admin.CreateExecution(_request(lid, "after", 3), timeout=RPC_TIMEOUT_S)
    assert _wait(admin, "after").closure.phase == core_execution_pb2.WorkflowExecution.SUCCEEDED
    assert _output(admin, "after") == 3
