"""kill -9 of the server while executions run loses nothing: after a restart on the same state
folder every execution reaches SUCCEEDED with the right outputs. Running task processes are
re-attached, finished ones judged by what they wrote, unstarted ones started.

The tasks are raw containers (a shell that sleeps, then copies its inputs.pb to outputs.pb), so
50 executions cost no Python start-ups and the outputs still prove each value went through."""

from __future__ import annotations

import signal
import time
from datetime import timedelta

import pytest

from flyteidl.admin import execution_pb2, node_execution_pb2, task_execution_pb2, task_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2
from flyteidl.core import interface_pb2, literals_pb2, tasks_pb2, types_pb2, workflow_pb2

from e2e_support import (
    DOMAIN,
    PROJECT,
    RPC_TIMEOUT_S,
    VENV_BIN,
    execution_id,
    int_literal,
    int_type,
    register_launchable,
    register_package,
    task_id,
    workflow_id,
)

EXECUTIONS = int(__import__("os").environ.get("DURABLE_EXECUTIONS", "50"))
VERSION = "durable-v1"
# inputs.pb and the output folder arrive as local paths.
IDENTITY = 'sleep 2; mkdir -p "$1" && cp "$0" "$1/outputs.pb"'


def identity_interface():
    variables = interface_pb2.VariableMap(variables={"x": interface_pb2.Variable(type=int_type())})
    return interface_pb2.TypedInterface(inputs=variables, outputs=variables)


def promise(node_id: str, var: str = "x"):
    return literals_pb2.BindingData(promise=types_pb2.OutputReference(node_id=node_id, var=var))


def register(admin):
    tid = task_id("durable.identity", VERSION)
    template = tasks_pb2.TaskTemplate(
        id=tid, type="container", interface=identity_interface(),
        container=tasks_pb2.Container(image="busybox", command=["/bin/sh", "-c", IDENTITY],
                                      args=["{{.input}}", "{{.outputPrefix}}"]),
    )
    admin.CreateTask(task_pb2.TaskCreateRequest(id=tid, spec=task_pb2.TaskSpec(template=template)), timeout=RPC_TIMEOUT_S)
    nodes = [
        workflow_pb2.Node(id="n0", inputs=[literals_pb2.Binding(var="x", binding=promise("start-node"))],
                          task_node=workflow_pb2.TaskNode(reference_id=tid)),
        workflow_pb2.Node(id="n1", inputs=[literals_pb2.Binding(var="x", binding=promise("n0"))],
                          upstream_node_ids=["n0"], task_node=workflow_pb2.TaskNode(reference_id=tid)),
    ]
    return register_launchable(admin, workflow_pb2.WorkflowTemplate(
        id=workflow_id("durable.chain", VERSION), interface=identity_interface(), nodes=nodes,
        outputs=[literals_pb2.Binding(var="x", binding=promise("n1"))]))


def test_kill_9_while_running_then_restart(sandbox_factory):
    base = sandbox_factory.new_dir("durable")
    state = base / "state"
    first = sandbox_factory.start(base=base / "first", state_dir=state)
    admin = first.admin()
    lid = register(admin)
    names = [f"durable-{i}" for i in range(EXECUTIONS)]
    for i, name in enumerate(names):
        admin.CreateExecution(
            execution_pb2.ExecutionCreateRequest(
                project=PROJECT, domain=DOMAIN, name=name, spec=execution_pb2.ExecutionSpec(launch_plan=lid),
                inputs=literals_pb2.LiteralMap(literals={"x": int_literal(i)})),
            timeout=RPC_TIMEOUT_S)

    time.sleep(3)  # first tasks done, second ones running, some not started
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(10)

    second = sandbox_factory.start(base=base / "second", state_dir=state, port=first.port)
    admin = second.admin()
    pending = dict(enumerate(names))
    deadline = time.monotonic() + 120
    while pending and time.monotonic() < deadline:
        for i, name in list(pending.items()):
            execution = admin.GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=execution_id(name)),
                                           timeout=RPC_TIMEOUT_S)
            if execution.closure.phase in (core_execution_pb2.WorkflowExecution.SUCCEEDED,
                                           core_execution_pb2.WorkflowExecution.FAILED,
                                           core_execution_pb2.WorkflowExecution.ABORTED):
                assert execution.closure.phase == core_execution_pb2.WorkflowExecution.SUCCEEDED, (
                    name, execution.closure.error)
                data = admin.GetExecutionData(execution_pb2.WorkflowExecutionGetDataRequest(id=execution_id(name)),
                                              timeout=RPC_TIMEOUT_S)
                assert data.full_outputs.literals["x"].scalar.primitive.integer == i, name
                del pending[i]
        time.sleep(0.2)
    assert not pending, f"still running after restart: {sorted(pending.values())}"

    # Every node ran exactly once: tasks still running at the kill were re-attached, not rerun.
    for name in names:
        nodes = admin.ListNodeExecutions(
            node_execution_pb2.NodeExecutionListRequest(workflow_execution_id=execution_id(name), limit=10),
            timeout=RPC_TIMEOUT_S)
        assert sorted(n.id.node_id for n in nodes.node_executions) == ["n0", "n1"], name
        for node in nodes.node_executions:
            attempts = admin.ListTaskExecutions(
                task_execution_pb2.TaskExecutionListRequest(node_execution_id=node.id, limit=10), timeout=RPC_TIMEOUT_S)
            assert len(attempts.task_executions) == 1, (name, node.id.node_id, attempts)


def _children(admin, node):
    return admin.ListNodeExecutions(
        node_execution_pb2.NodeExecutionListRequest(workflow_execution_id=node.id.execution_id,
                                                    unique_parent_id=node.id.node_id, limit=100),
        timeout=RPC_TIMEOUT_S).node_executions


def _attempts(admin, node):
    return admin.ListTaskExecutions(
        task_execution_pb2.TaskExecutionListRequest(node_execution_id=node.id, limit=10),
        timeout=RPC_TIMEOUT_S).task_executions


def _ran_once(admin, child):
    """A task node's attempts, or for a launch plan node those of every node of its child execution."""
    metadata = child.closure.workflow_node_metadata
    if not metadata.executionId.name:
        return len(_attempts(admin, child)) == 1
    nodes = admin.ListNodeExecutions(
        node_execution_pb2.NodeExecutionListRequest(workflow_execution_id=metadata.executionId, limit=10),
        timeout=RPC_TIMEOUT_S).node_executions
    tasks = [n for n in nodes if n.id.node_id not in ("start-node", "end-node")]
    return bool(tasks) and all(len(_attempts(admin, n)) == 1 for n in tasks)


@pytest.mark.parametrize("workflow", ["slow_cubes_wf", "slow_dynamic_launch_plans_wf"])
def test_kill_9_while_a_dynamic_workflow_runs_then_restart(sandbox_factory, workflow):
    """The dynamic node's children are rebuilt from its futures_compiled.pb and re-attached; children
    that are launch plans find their child executions again."""
    from flytekit.configuration import Config
    from flytekit.remote import FlyteRemote

    base = sandbox_factory.new_dir(f"durable-{workflow}")
    state = base / "state"
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n")
    first = sandbox_factory.start(base=base / "first", state_dir=state, config=config)
    remote = register_package(first, "runs", "durable-dynamic-v1")
    lp = remote.fetch_launch_plan(name=f"runs.dynamics.{workflow}", version="durable-dynamic-v1")
    execution = remote.execute(lp, inputs={"n": 3}, execution_name="durable-dynamic")
    admin = first.admin()
    dynamic_running = core_execution_pb2.NodeExecution.DYNAMIC_RUNNING
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        nodes = admin.ListNodeExecutions(
            node_execution_pb2.NodeExecutionListRequest(workflow_execution_id=execution_id(execution.id.name), limit=10),
            timeout=RPC_TIMEOUT_S).node_executions
        running = [n for n in nodes if n.closure.phase == dynamic_running]
        if running and len(_children(admin, running[0])) == 3:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the dynamic node never started its children")
    time.sleep(1)  # the children's processes are running
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(10)

    second = sandbox_factory.start(base=base / "second", state_dir=state, port=first.port, config=config)
    remote = FlyteRemote(Config.auto(config_file=str(second.config_path)), default_project=PROJECT,
                         default_domain=DOMAIN)
    done = remote.wait(remote.fetch_execution(name=execution.id.name), timeout=timedelta(seconds=120),
                       poll_interval=timedelta(milliseconds=200))
    assert done.closure.phase == core_execution_pb2.WorkflowExecution.SUCCEEDED, done.closure.error
    assert done.outputs["o0"] == [0, 1, 8]
    admin = second.admin()
    (node,) = admin.ListNodeExecutions(
        node_execution_pb2.NodeExecutionListRequest(workflow_execution_id=execution_id(execution.id.name), limit=10),
        timeout=RPC_TIMEOUT_S).node_executions
    assert node.metadata.is_dynamic and node.closure.phase == core_execution_pb2.NodeExecution.SUCCEEDED
    assert len(_attempts(admin, node)) == 1
    children = _children(admin, node)
    assert len(children) == 3
    for child in children:
        assert _ran_once(admin, child), child.id.node_id
