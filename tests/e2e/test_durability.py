"""kill -9 of the server while executions run loses nothing: after a restart on the same state
folder every execution reaches SUCCEEDED with the right outputs. Running task processes are
re-attached, finished ones judged by what they wrote, unstarted ones started.

The tasks are raw containers (a shell that sleeps, then copies its inputs.pb to outputs.pb), so
50 executions cost no Python start-ups and the outputs still prove each value went through."""

from __future__ import annotations

import signal
import time

from flyteidl.admin import execution_pb2, launch_plan_pb2, node_execution_pb2, task_execution_pb2, task_pb2
from flyteidl.admin import workflow_pb2 as admin_workflow_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2
from flyteidl.core import identifier_pb2, interface_pb2, literals_pb2, tasks_pb2, types_pb2, workflow_pb2

from e2e_support import DOMAIN, PROJECT, RPC_TIMEOUT_S, int_literal, int_type, launch_plan_id, task_id, workflow_id

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
    wid = workflow_id("durable.chain", VERSION)
    nodes = [
        workflow_pb2.Node(id="n0", inputs=[literals_pb2.Binding(var="x", binding=promise("start-node"))],
                          task_node=workflow_pb2.TaskNode(reference_id=tid)),
        workflow_pb2.Node(id="n1", inputs=[literals_pb2.Binding(var="x", binding=promise("n0"))],
                          upstream_node_ids=["n0"], task_node=workflow_pb2.TaskNode(reference_id=tid)),
    ]
    wf = workflow_pb2.WorkflowTemplate(id=wid, interface=identity_interface(), nodes=nodes,
                                       outputs=[literals_pb2.Binding(var="x", binding=promise("n1"))])
    admin.CreateWorkflow(admin_workflow_pb2.WorkflowCreateRequest(id=wid, spec=admin_workflow_pb2.WorkflowSpec(template=wf)),
                         timeout=RPC_TIMEOUT_S)
    lid = launch_plan_id("durable.chain", VERSION)
    admin.CreateLaunchPlan(launch_plan_pb2.LaunchPlanCreateRequest(id=lid, spec=launch_plan_pb2.LaunchPlanSpec(workflow_id=wid)),
                           timeout=RPC_TIMEOUT_S)
    return lid


def execution_id(name: str):
    return identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=name)


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
