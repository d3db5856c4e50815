"""What a Flyte 2 parent task does over Connect, with the flyteidl2 wheel's own client stubs
(connectrpc over pyqwest, HTTP/1.1, gzip, as the SDK sends): run under .venv-flyte2 by
test_flyte2_actions.py. Prints one JSON object per line for the test to read.

    flyte2_actions_client.py <endpoint> <scenario> <project> <domain> <run>

Scenarios: `watch` (enqueue a child, watch a0's children: snapshot, sentinel, a live update of a
second child and of a trace; a repeated Enqueue; the children are `sleep`s the executor runs), `hold` (open a watch and wait to be killed),
`details` (WatchActionDetails of a0 across an AbortRun), `unserved` (a stream the sandbox does
not serve), `deadline` (a watch with connect-timeout-ms)."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from connectrpc.errors import ConnectError
from flyteidl2.actions import actions_service_pb2 as actions_pb
from flyteidl2.actions.actions_service_connect import ActionsServiceClient
from flyteidl2.common import identifier_pb2, phase_pb2
from flyteidl2.core import tasks_pb2
from flyteidl2.task import common_pb2, task_definition_pb2
from flyteidl2.workflow import run_definition_pb2, run_service_pb2
from flyteidl2.workflow.run_service_connect import RunServiceClient
from google.protobuf import json_format


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


def action_id(project: str, domain: str, run: str, name: str) -> identifier_pb2.ActionIdentifier:
    # org "local", as a task's runtime sends it.
    return identifier_pb2.ActionIdentifier(
        run=identifier_pb2.RunIdentifier(org="local", project=project, domain=domain, name=run), name=name)


def task_child(project, domain, run, name) -> actions_pb.EnqueueRequest:
    task_id = task_definition_pb2.TaskIdentifier(project=project, domain=domain, name="env.child", version="v1")
    # A child that runs (and stays running) whatever its folders: the test needs its phases, not its work.
    template = tasks_pb2.TaskTemplate(type="python", container=tasks_pb2.Container(args=["sleep", "300"]))
    return actions_pb.EnqueueRequest(action=actions_pb.Action(
        action_id=action_id(project, domain, run, name), parent_action_name="a0",
        input_uri=f"/tmp/{run}/{name}/inputs.pb", run_output_base=f"/tmp/{run}", group="g1",
        task=run_definition_pb2.TaskAction(id=task_id, spec=task_definition_pb2.TaskSpec(
            short_name="child", task_template=template))))


def trace_child(project, domain, run, name) -> actions_pb.EnqueueRequest:
    trace = run_definition_pb2.TraceAction(
        name="traced", phase=phase_pb2.ACTION_PHASE_SUCCEEDED,
        outputs=common_pb2.OutputReferences(output_uri=f"/tmp/{run}/{name}/outputs.pb"))
    trace.start_time.FromMilliseconds(1000)
    trace.end_time.FromMilliseconds(2000)
    return actions_pb.EnqueueRequest(action=actions_pb.Action(
        action_id=action_id(project, domain, run, name), parent_action_name="a0", trace=trace))


def update_of(response) -> dict:
    if response.HasField("control_message"):
        return {"sentinel": response.control_message.sentinel}
    return json_format.MessageToDict(response.action_update)


async def next_of(stream, name: str) -> dict:
    """The next update of child `name` (the running children's own phase changes come between)."""
    while True:
        update = update_of(await anext(stream))
        if update.get("actionId", {}).get("name") == name:
            return update


async def watch(endpoint, project, domain, run) -> None:
    client = ActionsServiceClient(endpoint)
    await client.enqueue(task_child(project, domain, run, "c1"))
    request = actions_pb.WatchForUpdatesRequest(parent_action_id=action_id(project, domain, run, "a0"))
    stream = client.watch_for_updates(request)
    seen = []
    async for response in stream:
        seen.append(update_of(response))
        if seen[-1].get("sentinel"):
            emit(snapshot=seen)
            break
    await client.enqueue(task_child(project, domain, run, "c2"))
    emit(live=await next_of(stream, "c2"))
    try:
        await client.enqueue(task_child(project, domain, run, "c2"))
        emit(repeat="ok")
    except ConnectError as error:
        emit(repeat=error.code.name)
    await client.enqueue(trace_child(project, domain, run, "t1"))
    emit(trace=await next_of(stream, "t1"))
    try:
        await client.enqueue(task_child(project, domain, "no-such-run", "c1"))
    except ConnectError as error:
        emit(unknown_run=error.code.name)


async def hold(endpoint, project, domain, run) -> None:
    client = ActionsServiceClient(endpoint)
    request = actions_pb.WatchForUpdatesRequest(parent_action_id=action_id(project, domain, run, "a0"))
    async for response in client.watch_for_updates(request):
        if response.HasField("control_message"):
            emit(open=True)
    await asyncio.sleep(3600)


async def details(endpoint, project, domain, run) -> None:
    client = RunServiceClient(endpoint)
    request = run_service_pb2.WatchActionDetailsRequest(action_id=action_id(project, domain, run, "a0"))
    stream = client.watch_action_details(request)
    first = await anext(stream)
    emit(first=json_format.MessageToDict(first.details.status))
    await client.abort_run(run_service_pb2.AbortRunRequest(run_id=action_id(project, domain, run, "a0").run,
                                                           reason="enough"))
    phases = []
    async for after in stream:  # ends once the action is terminal
        if after.details.HasField("abort_info"):
            phases.append(phase_pb2.ActionPhase.Name(after.details.status.phase))
    emit(after=json_format.MessageToDict(after.details.abort_info), last_phase=phases[-1])
    try:
        await client.abort_run(run_service_pb2.AbortRunRequest(
            run_id=action_id(project, domain, "no-such-run", "a0").run))
    except ConnectError as error:
        emit(unknown_run=error.code.name)


async def unserved(endpoint, project, domain, run) -> None:
    client = RunServiceClient(endpoint)
    try:
        async for _ in client.watch_runs(run_service_pb2.WatchRunsRequest()):
            pass
        emit(code="ok")
    except ConnectError as error:
        emit(code=error.code.name)


async def deadline(endpoint, project, domain, run) -> None:
    client = ActionsServiceClient(endpoint)
    request = actions_pb.WatchForUpdatesRequest(parent_action_id=action_id(project, domain, run, "a0"))
    seen = 0
    try:
        async for _ in client.watch_for_updates(request, timeout_ms=1500):
            seen += 1
        emit(code="ok", seen=seen)
    except ConnectError as error:
        emit(code=error.code.name, seen=seen)


SCENARIOS = {"watch": watch, "hold": hold, "details": details, "unserved": unserved, "deadline": deadline}

if __name__ == "__main__":
    endpoint, scenario, *scope = sys.argv[1:]
    asyncio.run(SCENARIOS[scenario](endpoint, *scope))
    # Done (a failed scenario raised above, exit 1): leave without the interpreter's teardown, in
    # which pyqwest's runtime sometimes aborts (SIGABRT) after everything was printed.
    sys.stdout.flush()
    os._exit(0)
