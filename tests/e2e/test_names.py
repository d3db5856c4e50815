"""Names that become folders of the state are checked where they come in (grpcio): execution
names as FlyteAdmin checks them (at most 63 characters, ^[a-z][a-z\\-0-9]*$ once lowercased),
node ids at registration. An execution named `<victim>/n0/data` used to write its inputs over
the recorded inputs of the victim's node n0; a 300-character name gave INTERNAL "File name too
long"."""

from __future__ import annotations

import time

import grpc
import pytest
from e2e_support import (
    DOMAIN,
    PROJECT,
    RPC_TIMEOUT_S,
    int_literal,
    int_type,
    launch_plan_id,
    rpc_error,
    task_id,
    unique,
    workflow_id,
)
from flyteidl.admin import execution_pb2, launch_plan_pb2, node_execution_pb2, task_pb2
from flyteidl.admin import workflow_pb2 as admin_workflow_pb2
from flyteidl.core import (
    identifier_pb2,
    interface_pb2,
    literals_pb2,
    tasks_pb2,
    types_pb2,
    workflow_pb2,
)

VERSION = "names-v1"


def _interface():
    variables = interface_pb2.VariableMap(variables={"x": interface_pb2.Variable(type=int_type())})
    return interface_pb2.TypedInterface(inputs=variables, outputs=variables)


def _workflow(wid, tid, node_id: str):
    promise = types_pb2.OutputReference(node_id="start-node", var="x")
    node = workflow_pb2.Node(id=node_id, inputs=[literals_pb2.Binding(var="x", binding=literals_pb2.BindingData(promise=promise))],
                             task_node=workflow_pb2.TaskNode(reference_id=tid))
    out = types_pb2.OutputReference(node_id=node_id, var="x")
    return admin_workflow_pb2.WorkflowCreateRequest(
        id=wid, spec=admin_workflow_pb2.WorkflowSpec(template=workflow_pb2.WorkflowTemplate(
            id=wid, interface=_interface(), nodes=[node],
            outputs=[literals_pb2.Binding(var="x", binding=literals_pb2.BindingData(promise=out))])))


@pytest.fixture(scope="module")
def admin(sandbox):
    return sandbox.admin()


@pytest.fixture(scope="module")
def launch_plan(admin):
    """A one-node workflow (node n0) of a raw-container task that sleeps, then echoes its input."""
    tid = task_id("names.identity", VERSION)
    template = tasks_pb2.TaskTemplate(
        id=tid, type="container", interface=_interface(),
        container=tasks_pb2.Container(image="busybox", command=["/bin/sh", "-c", 'sleep 5; mkdir -p "$1" && cp "$0" "$1/outputs.pb"'],
                                      args=["{{.input}}", "{{.outputPrefix}}"]))
    admin.CreateTask(task_pb2.TaskCreateRequest(id=tid, spec=task_pb2.TaskSpec(template=template)), timeout=RPC_TIMEOUT_S)
    wid = workflow_id("names.one", VERSION)
    admin.CreateWorkflow(_workflow(wid, tid, "n0"), timeout=RPC_TIMEOUT_S)
    lid = launch_plan_id("names.one", VERSION)
    admin.CreateLaunchPlan(launch_plan_pb2.LaunchPlanCreateRequest(id=lid, spec=launch_plan_pb2.LaunchPlanSpec(workflow_id=wid)),
                           timeout=RPC_TIMEOUT_S)
    return lid


def _create(name: str, lid, x: int):
    return execution_pb2.ExecutionCreateRequest(project=PROJECT, domain=DOMAIN, name=name,
                                                spec=execution_pb2.ExecutionSpec(launch_plan=lid),
                                                inputs=literals_pb2.LiteralMap(literals={"x": int_literal(x)}))


def _node_input(admin, execution: str, node_id: str):
    request = node_execution_pb2.NodeExecutionGetDataRequest(id=identifier_pb2.NodeExecutionIdentifier(
        node_id=node_id, execution_id=identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=execution)))
    try:
        data = admin.GetNodeExecutionData(request, timeout=RPC_TIMEOUT_S)
    except grpc.RpcError:
        return None  # the node has not started yet
    literal = data.full_inputs.literals.get("x")
    return None if literal is None else literal.scalar.primitive.integer


@pytest.mark.parametrize("name, rule", [
    ("a" * 300, "execution name is 300 characters long; the limit is 63"),
    ("a" * 64, "execution name is 64 characters long; the limit is 63"),
    ("has/slash", "must match ^[a-z][a-z\\-0-9]*$"),
    ("..", "must match ^[a-z][a-z\\-0-9]*$"),
    ("1starts-with-a-digit", "must match ^[a-z][a-z\\-0-9]*$"),
    ("under_score", "must match ^[a-z][a-z\\-0-9]*$"),
])
def test_bad_execution_names_are_invalid_argument_naming_the_rule(admin, launch_plan, name, rule):
    err = rpc_error(admin.CreateExecution, _create(name, launch_plan, 1))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
    assert rule in err.details()


def test_a_name_reaching_into_another_execution_is_refused_and_overwrites_nothing(admin, launch_plan):
    victim = unique("victim")
    admin.CreateExecution(_create(victim, launch_plan, 1), timeout=RPC_TIMEOUT_S)
    deadline = time.monotonic() + 30
    while _node_input(admin, victim, "n0") is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _node_input(admin, victim, "n0") == 1

    err = rpc_error(admin.CreateExecution, _create(f"{victim}/n0/data", launch_plan, 99))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
    assert f'invalid execution name "{victim}/n0/data"' in err.details()
    assert _node_input(admin, victim, "n0") == 1


def test_relaunch_under_a_bad_name_is_refused(admin, launch_plan):
    original = unique("orig")
    admin.CreateExecution(_create(original, launch_plan, 2), timeout=RPC_TIMEOUT_S)
    err = rpc_error(admin.RelaunchExecution, execution_pb2.ExecutionRelaunchRequest(
        id=identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=original),
        name=f"{original}/n0/data"))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()


@pytest.mark.parametrize("node_id", ["a/b", "..", "n0/../../x"])
def test_node_ids_that_are_not_one_folder_are_refused_at_registration(admin, launch_plan, node_id):
    tid = task_id("names.identity", VERSION)
    wid = workflow_id(unique("names.bad-node"), VERSION)
    err = rpc_error(admin.CreateWorkflow, _workflow(wid, tid, node_id))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err.details()
    assert f"node \"{node_id}\": a node id must not contain '/' or '..'" in err.details()
