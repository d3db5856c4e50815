"""kill -9 of the server at any moment runs no task twice and records none as run that never ran:
executions of 3-task chains are created in bursts, the server is killed at several delays after
each burst (some while the CreateExecution calls are still in flight, some while tasks are being
started, running or finishing) and restarted on the same state folder; a CreateExecution the kill
cut off is sent again, as a client would. At the end every execution has SUCCEEDED and every one
of its tasks appended its marker line exactly once.

The tasks are raw containers (a shell appending "<execution> <node>" to one marker file), one
kind writing outputs (a copy of a prepared outputs.pb) and one writing none, whose success nothing
but its exit shows."""

from __future__ import annotations

import collections
import signal
import time

import grpc

from flyteidl.admin import execution_pb2, task_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2
from flyteidl.core import interface_pb2, literals_pb2, tasks_pb2, types_pb2, workflow_pb2

from e2e_support import (DOMAIN, PROJECT, RPC_TIMEOUT_S, execution_id, int_literal, int_type, register_launchable,
                         task_id, workflow_id)

VERSION = "crash-v1"
NODES = ("n0", "n1", "n2")
# Seconds after a burst of CreateExecution calls starts at which the server is killed: during the
# burst (executions half created, first tasks being started), then while chains run and finish.
KILL_DELAYS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8)
PER_BURST = 25  # 8 bursts: 200 executions
# $0 marker file, $1 output folder, $2 node tag, $3 outputs.pb to copy (empty: no outputs).
MARK = ('sleep 0.1; echo "$FLYTE_INTERNAL_EXECUTION_ID $2" >> "$0"; '
        'if [ -n "$3" ]; then mkdir -p "$1" && cp "$3" "$1/outputs.pb"; fi; sleep 0.1')


TERMINAL = (core_execution_pb2.WorkflowExecution.SUCCEEDED, core_execution_pb2.WorkflowExecution.FAILED,
            core_execution_pb2.WorkflowExecution.ABORTED, core_execution_pb2.WorkflowExecution.TIMED_OUT)


def string_type():
    return types_pb2.LiteralType(simple=types_pb2.STRING)


def string_literal(value: str):
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(string_value=value)))


def register(admin, marker, outputs_pb, with_outputs: bool):
    kind = "out" if with_outputs else "plain"
    tid = task_id(f"crash.mark_{kind}", VERSION)
    outputs = {"o": interface_pb2.Variable(type=int_type())} if with_outputs else {}
    interface = interface_pb2.TypedInterface(
        inputs=interface_pb2.VariableMap(variables={"tag": interface_pb2.Variable(type=string_type())}),
        outputs=interface_pb2.VariableMap(variables=outputs))
    template = tasks_pb2.TaskTemplate(
        id=tid, type="container", interface=interface,
        container=tasks_pb2.Container(
            image="busybox", command=["/bin/sh", "-c", MARK],
            args=[str(marker), "{{.outputPrefix}}", "{{.inputs.tag}}", str(outputs_pb) if with_outputs else ""]),
    )
    admin.CreateTask(task_pb2.TaskCreateRequest(id=tid, spec=task_pb2.TaskSpec(template=template)), timeout=RPC_TIMEOUT_S)
    nodes = []
    for i, node in enumerate(NODES):
        nodes.append(workflow_pb2.Node(
            id=node, upstream_node_ids=[NODES[i - 1]] if i else [],
            inputs=[literals_pb2.Binding(var="tag", binding=literals_pb2.BindingData(scalar=string_literal(node).scalar))],
            task_node=workflow_pb2.TaskNode(reference_id=tid)))
    wf_outputs = []
    if with_outputs:
        wf_outputs = [literals_pb2.Binding(var="o", binding=literals_pb2.BindingData(
            promise=types_pb2.OutputReference(node_id=NODES[-1], var="o")))]
    return register_launchable(admin, workflow_pb2.WorkflowTemplate(
        id=workflow_id(f"crash.chain_{kind}", VERSION),
        interface=interface_pb2.TypedInterface(outputs=interface_pb2.VariableMap(variables=outputs)),
        nodes=nodes, outputs=wf_outputs))


def test_kill_9_at_any_moment_runs_every_task_exactly_once(sandbox_factory):
    base = sandbox_factory.new_dir("crash")
    state = base / "state"
    # Not in `base`, a folder on the way to the state folder: confined tasks cannot create files
    # there (src/plugins/local/README.md, "Confinement").
    marker = sandbox_factory.new_dir("markers") / "markers.txt"
    outputs_pb = base / "outputs.pb"
    outputs_pb.write_bytes(literals_pb2.LiteralMap(literals={"o": int_literal(7)}).SerializeToString())

    sandbox = sandbox_factory.start(base=base / "run0", state_dir=state)
    admin = sandbox.admin()
    plans = [register(admin, marker, outputs_pb, with_outputs=False), register(admin, marker, outputs_pb, with_outputs=True)]
    names = []
    for burst, delay in enumerate(KILL_DELAYS):
        requests = {}
        for i in range(PER_BURST):
            name = f"crash-{burst}-{i}"
            names.append(name)
            requests[name] = execution_pb2.ExecutionCreateRequest(
                project=PROJECT, domain=DOMAIN, name=name, spec=execution_pb2.ExecutionSpec(launch_plan=plans[i % 2]))
        calls = {name: admin.CreateExecution.future(request, timeout=RPC_TIMEOUT_S) for name, request in requests.items()}
        time.sleep(delay)
        sandbox.proc.send_signal(signal.SIGKILL)
        sandbox.proc.wait(10)
        cut_off = []
        for name, call in calls.items():
            try:
                call.result()
            except grpc.RpcError:
                cut_off.append(name)  # created or not: the client tries again, as a client would
        sandbox.close_channel()
        sandbox = sandbox_factory.start(base=base / f"run{burst + 1}", state_dir=state, port=sandbox.port)
        admin = sandbox.admin()
        for name in cut_off:
            try:
                admin.CreateExecution(requests[name], timeout=RPC_TIMEOUT_S)
            except grpc.RpcError as error:
                assert error.code() == grpc.StatusCode.ALREADY_EXISTS, (name, error)

    pending = set(names)
    deadline = time.monotonic() + 90
    while pending and time.monotonic() < deadline:
        for name in sorted(pending):
            execution = admin.GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=execution_id(name)),
                                           timeout=RPC_TIMEOUT_S)
            if execution.closure.phase in TERMINAL:
                assert execution.closure.phase == core_execution_pb2.WorkflowExecution.SUCCEEDED, (
                    name, execution.closure.error)
                pending.discard(name)
        time.sleep(0.2)
    assert not pending, f"still running after the last restart: {sorted(pending)}"

    lines = collections.Counter(marker.read_text().splitlines())
    wrong = {f"{name} {node}": lines[f"{name} {node}"] for name in names for node in NODES
             if lines[f"{name} {node}"] != 1}
    assert not wrong, f"tasks that did not run exactly once (marker lines): {wrong}"
