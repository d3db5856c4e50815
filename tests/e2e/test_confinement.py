"""Task processes cannot open the sandbox's own files (Landlock): a raw-container task and a
flytekit task (run by a Python worker started ahead) try to read signing.key, registry.db and
the rest of the state folder, and to signal the server; the same tasks read their inputs and
write their outputs as usual."""

from __future__ import annotations

import ctypes
import time
from datetime import timedelta

import pytest
from e2e_support import (
    DOMAIN,
    PROJECT,
    RPC_TIMEOUT_S,
    int_literal,
    int_type,
    launch_plan_id,
    register_package,
    task_id,
    unique,
    workflow_id,
)
from flyteidl.admin import execution_pb2, launch_plan_pb2, task_pb2
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

SECRETS = ("signing.key", "registry.db", "registry.db-wal", "sandbox.pid", "sandbox.lock")


def landlock_abi() -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return max(0, libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1)))


@pytest.fixture(scope="module")
def sandbox(task_sandbox):
    if landlock_abi() == 0:
        pytest.fail("this kernel has no Landlock: the confinement cannot be tested here")
    return task_sandbox


def secrets(sandbox):
    paths = [sandbox.state_dir / name for name in SECRETS]
    missing = [str(p) for p in paths if not p.exists()]
    assert not missing, missing
    return [str(p) for p in paths]


def test_the_banner_says_tasks_are_confined(sandbox):
    banner = sandbox.banner()
    assert f"Task processes: confined by Landlock ABI {landlock_abi()}" in banner, banner


def test_a_raw_container_task_cannot_read_the_state_or_signal_the_server(sandbox):
    admin = sandbox.admin()
    variables = interface_pb2.VariableMap(variables={"x": interface_pb2.Variable(type=int_type())})
    interface = interface_pb2.TypedInterface(inputs=variables, outputs=variables)
    # Exit 0 only if every secret is refused (and the server cannot be signalled, where Landlock
    # can stop that), and the task's own inputs and outputs work as before.
    script = " ".join(f'if cat "{p}" >/dev/null 2>&1; then echo "read {p}"; exit 1; fi;' for p in secrets(sandbox))
    if landlock_abi() >= 6:
        script += f" if kill -0 {sandbox.proc.pid}; then echo signalled; exit 1; fi;"
    script += ' cat /etc/hostname >/dev/null || exit 1; mkdir -p "$1" && cp "$0" "$1/outputs.pb"'
    version = unique("v")
    tid = task_id("confined.raw", version)
    template = tasks_pb2.TaskTemplate(
        id=tid, type="container", interface=interface,
        container=tasks_pb2.Container(image="busybox", command=["/bin/sh", "-c", script],
                                      args=["{{.input}}", "{{.outputPrefix}}"]))
    admin.CreateTask(task_pb2.TaskCreateRequest(id=tid, spec=task_pb2.TaskSpec(template=template)), timeout=RPC_TIMEOUT_S)
    wid = workflow_id("confined.raw", version)
    promise = literals_pb2.BindingData(promise=types_pb2.OutputReference(node_id="start-node", var="x"))
    out = literals_pb2.BindingData(promise=types_pb2.OutputReference(node_id="n0", var="x"))
    wf = workflow_pb2.WorkflowTemplate(
        id=wid, interface=interface,
        nodes=[workflow_pb2.Node(id="n0", inputs=[literals_pb2.Binding(var="x", binding=promise)],
                                 task_node=workflow_pb2.TaskNode(reference_id=tid))],
        outputs=[literals_pb2.Binding(var="x", binding=out)])
    admin.CreateWorkflow(admin_workflow_pb2.WorkflowCreateRequest(id=wid, spec=admin_workflow_pb2.WorkflowSpec(template=wf)),
                         timeout=RPC_TIMEOUT_S)
    lid = launch_plan_id("confined.raw", version)
    admin.CreateLaunchPlan(launch_plan_pb2.LaunchPlanCreateRequest(id=lid, spec=launch_plan_pb2.LaunchPlanSpec(workflow_id=wid)),
                           timeout=RPC_TIMEOUT_S)
    name = unique("raw")
    ex_id = identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=name)
    admin.CreateExecution(execution_pb2.ExecutionCreateRequest(
        project=PROJECT, domain=DOMAIN, name=name, spec=execution_pb2.ExecutionSpec(launch_plan=lid),
        inputs=literals_pb2.LiteralMap(literals={"x": int_literal(7)})), timeout=RPC_TIMEOUT_S)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        execution = admin.GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=ex_id), timeout=RPC_TIMEOUT_S)
        if execution.closure.phase in (core_execution_pb2.WorkflowExecution.SUCCEEDED, core_execution_pb2.WorkflowExecution.FAILED):
            break
        time.sleep(0.2)
    log = "\n".join(p.read_text() for p in sandbox.state_dir.glob(f"logs/**/{name}/**/task.log"))
    assert execution.closure.phase == core_execution_pb2.WorkflowExecution.SUCCEEDED, (execution.closure.error, log)
    data = admin.GetExecutionData(execution_pb2.WorkflowExecutionGetDataRequest(id=ex_id), timeout=RPC_TIMEOUT_S)
    assert data.full_outputs.literals["x"].scalar.primitive.integer == 7


def test_a_python_task_in_a_worker_cannot_read_the_state_or_signal_the_server(sandbox):
    remote = register_package(sandbox, "confined", "confined-v1")
    lp = remote.fetch_launch_plan(name="confined.workflows.probe_wf", version="confined-v1")
    paths = secrets(sandbox)
    execution = remote.execute(lp, inputs={"paths": paths, "server_pid": sandbox.proc.pid},
                               execution_name=unique("py"))
    execution = remote.wait(execution, timeout=timedelta(seconds=120), poll_interval=timedelta(milliseconds=200))
    assert execution.error is None, execution.error
    expected = [f"denied {p}" for p in paths]
    expected.append("signal denied" if landlock_abi() >= 6 else "signal allowed")
    assert execution.outputs["o0"] == expected
