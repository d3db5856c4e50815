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
from flyteidl.admin import execution_pb2, node_execution_pb2
from flyteidl.core import catalog_pb2, literals_pb2
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
    name = workflow if "." in workflow else f"runs.workflows.{workflow}"
    lp = remote.fetch_launch_plan(name=name, version=VERSION)
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


def test_python_tasks_run_in_an_interpreter_started_ahead(remote):
    """The sandbox keeps a zygote with flytekit imported, started ahead, to fork the next task from."""
    execution = run(remote, "interpreter_wf")
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    started, label = execution.outputs["o0"], execution.outputs["o1"]
    assert started < execution.closure.created_at.timestamp() - 0.05, "the interpreter was not started ahead"
    assert label == ""


def test_a_run_with_its_own_envs_starts_its_own_interpreter(remote):
    """flytekit, imported ahead, could have read an execution's envs: such a task starts a fresh interpreter."""
    lp = remote.fetch_launch_plan(name="runs.workflows.interpreter_wf", version=VERSION)
    execution = remote.execute(lp, inputs={}, envs={"RUN_LABEL": "mine"},
                               execution_name=unique("e")[-20:].replace("_", "-").lower())
    execution = remote.wait(execution, timeout=timedelta(seconds=120), poll_interval=POLL)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    started, label = execution.outputs["o0"], execution.outputs["o1"]
    assert started > execution.closure.created_at.timestamp() - 0.05, "a waiting interpreter ran it"
    assert label == "mine"


def test_matchable_attributes_set_the_execution_settings(remote, sandbox):
    """Workflow-level workflow-execution-config (what `flytectl update workflow-execution-config` stores) applies
    to new executions of the workflow: its envs reach the task, its max_parallelism the execution."""
    from flyteidl.admin import common_pb2, matchable_resource_pb2 as mr, workflow_attributes_pb2 as wa

    workflow = "runs.workflows.interpreter_wf"
    config = mr.WorkflowExecutionConfig(max_parallelism=5, envs=common_pb2.Envs(values=[
        literals_pb2.KeyValuePair(key="RUN_LABEL", value="from-attributes")]))
    sandbox.admin().UpdateWorkflowAttributes(wa.WorkflowAttributesUpdateRequest(attributes=wa.WorkflowAttributes(
        project=PROJECT, domain=DOMAIN, workflow=workflow,
        matching_attributes=mr.MatchingAttributes(workflow_execution_config=config))), timeout=10)
    try:
        execution = run(remote, "interpreter_wf")
    finally:
        sandbox.admin().DeleteWorkflowAttributes(wa.WorkflowAttributesDeleteRequest(
            project=PROJECT, domain=DOMAIN, workflow=workflow, resource_type=mr.WORKFLOW_EXECUTION_CONFIG), timeout=10)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o1"] == "from-attributes"
    assert execution.spec.max_parallelism == 5
    assert run(remote, "interpreter_wf").outputs["o1"] == "", "deleted attributes still apply"


def test_a_plain_tar_bundle_uploaded_as_flytectl_does_runs(remote, sandbox, tmp_path):
    """`flytectl register files --archive` uploads the fast-registration bundle of `pyflyte package --copy all`
    as an uncompressed tar under its .tar.gz name and puts its location into the task's arguments."""
    import base64
    import gzip
    import hashlib
    import tarfile

    import requests
    from flyteidl.admin import task_pb2
    from flyteidl.core import identifier_pb2
    from flyteidl.service import dataproxy_pb2

    package = tmp_path / "flyte-package.tgz"
    res = run_pyflyte(sandbox, "--pkgs", "joins", "package", "--copy", "all", "--output", package,
                      "--image", "ghcr.io/flyteorg/flytekit:py3.11-1.16.31", cwd=FLYTEPROJ)
    assert res.returncode == 0, res.output
    with tarfile.open(package) as archive:
        archive.extractall(tmp_path / "package", filter="data")
    (bundle,) = (tmp_path / "package").glob("fast*.tar.gz")
    plain = gzip.decompress(bundle.read_bytes())
    digest = hashlib.md5(plain).digest()
    location = sandbox.dataproxy().CreateUploadLocation(dataproxy_pb2.CreateUploadLocationRequest(
        project=PROJECT, domain=DOMAIN, filename=bundle.name, content_md5=digest), timeout=10)
    requests.put(location.signed_url, data=plain, timeout=30,
                 headers={"Content-MD5": base64.b64encode(digest), **location.headers}).raise_for_status()

    (spec_file,) = (tmp_path / "package").glob("*_joins.workflows.one_*.pb")
    spec = task_pb2.TaskSpec.FromString(spec_file.read_bytes())
    ident = identifier_pb2.Identifier(resource_type=identifier_pb2.TASK, project=PROJECT, domain=DOMAIN,
                                      name="joins.workflows.one", version=unique("plain")[-20:])
    spec.template.id.CopyFrom(ident)
    args = [location.native_url if a == "{{ .remote_package_path }}" else a for a in spec.template.container.args]
    del spec.template.container.args[:]
    spec.template.container.args.extend(args)
    sandbox.admin().CreateTask(task_pb2.TaskCreateRequest(id=ident, spec=spec), timeout=10)

    task = remote.fetch_task(name=ident.name, version=ident.version)
    execution = remote.wait(remote.execute(task, inputs={"x": 7}, execution_name=unique("t")[-20:].lower()),
                            timeout=timedelta(seconds=120), poll_interval=POLL)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == 7


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
    """The task's process: the one working in a folder of the execution (<logs>/<project>/<domain>/<name>/...)."""
    for proc in os.listdir("/proc"):
        if not proc.isdigit():
            continue
        try:
            cwd = os.readlink(f"/proc/{proc}/cwd")
        except OSError:
            continue
        if f"/{PROJECT}/{DOMAIN}/{execution_name}/" in cwd:
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


def test_launch_plan_node_runs_a_child_execution(remote):
    execution = run(remote, "runs.policies.lp_parent_wf", x=3)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == 10
    (lp_node,) = [n for n in execution.node_executions.values() if n.closure.workflow_node_metadata]
    child_id = lp_node.closure.workflow_node_metadata.execution_id
    child = remote.fetch_execution(name=child_id.name)
    assert child.closure.phase == WorkflowExecutionPhase.SUCCEEDED
    assert child.spec.launch_plan.name == "runs.policies.square_lp"
    assert child.spec.metadata.mode == execution_pb2.ExecutionMetadata.CHILD_WORKFLOW
    parent = child.spec.metadata.parent_node_execution
    assert (parent.execution_id.name, parent.node_id) == (execution.id.name, lp_node.id.node_id)
    assert child.spec.metadata.nesting == 1
    assert remote.fetch_execution(name=child_id.name).outputs["o0"] == 9


def test_failure_node_runs_with_the_error(remote):
    execution = run(remote, "runs.policies.failure_node_wf", x=4)
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    assert "boom with 4" in execution.closure.error.message
    failure_nodes = [n for n in execution.node_executions.values() if n.metadata.spec_node_id.startswith("fn")
                     or n.id.node_id.startswith("fn")]
    assert len(failure_nodes) == 1, list(execution.node_executions)
    (node,) = failure_nodes
    assert node.closure.phase == NodeExecutionPhase.SUCCEEDED
    data = remote.client.get_node_execution_data(node.id)
    err = data.full_inputs.literals["err"].scalar.union.value.scalar.error
    assert "boom with 4" in err.message
    assert err.failed_node_id and err.failed_node_id != node.id.node_id
    assert data.full_inputs.literals["x"].scalar.primitive.integer == 4


def test_fail_after_executable_nodes_complete(remote):
    execution = run(remote, "runs.policies.keep_going_wf", x=1)
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    assert "boom with 1" in execution.closure.error.message
    phases = sorted(n.closure.phase for k, n in execution.node_executions.items() if k not in ("start-node", "end-node"))
    assert phases == sorted([NodeExecutionPhase.FAILED, NodeExecutionPhase.SUCCEEDED]), phases


def test_max_parallelism_of_the_launch_plan(remote):
    lp = remote.fetch_launch_plan(name="runs.policies.two_at_a_time", version=VERSION)
    execution = remote.execute(lp, inputs={"seconds": 1.0}, execution_name=unique("p")[-20:].replace("_", "-").lower())
    execution = remote.wait(execution, timeout=timedelta(seconds=120), poll_interval=POLL, sync_nodes=True)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.spec.max_parallelism == 2
    spans = []
    for attempts in task_attempts(execution).values():
        closure = attempts[-1].closure
        start = round(closure.started_at.timestamp() * 1000)
        spans.append((start, start + round(closure.duration.total_seconds() * 1000)))
    assert len(spans) == 6
    most = max(sum(1 for s, e in spans if s <= t < e) for t, _ in spans)
    assert most == 2, spans


def test_sleep_gate_waits(remote):
    started = time.monotonic()
    execution = run(remote, "runs.gates.sleep_wf", x=1)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == 2
    assert time.monotonic() - started >= 2
    gates = [n for n in execution.node_executions.values() if n.closure.phase == NodeExecutionPhase.SUCCEEDED
             and not n.task_executions and n.id.node_id not in ("start-node", "end-node")]
    assert len(gates) == 1 and gates[0].closure.duration.total_seconds() >= 2


def _launch(remote, workflow: str, **inputs):
    lp = remote.fetch_launch_plan(name=workflow, version=VERSION)
    return remote.execute(lp, inputs=inputs, execution_name=unique("g")[-20:].replace("_", "-").lower())


def _wait_for_signal(remote, execution, signal_id: str):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        signals = remote.list_signals(execution.id.name)
        if any(s.id.signal_id == signal_id for s in signals):
            return
        time.sleep(0.2)
    raise AssertionError(f"signal {signal_id} was never declared")


def test_approve_gate_passes_its_input_once_approved(remote):
    execution = _launch(remote, "runs.gates.approve_wf", x=2)
    _wait_for_signal(remote, execution, "approve-it")
    assert remote.fetch_execution(name=execution.id.name).closure.phase == WorkflowExecutionPhase.RUNNING
    remote.approve("approve-it", execution.id.name)
    execution = remote.wait(execution, timeout=timedelta(seconds=120), poll_interval=POLL)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == 9


def test_wait_for_input_gate_outputs_the_value(remote):
    execution = _launch(remote, "runs.gates.signal_wf", x=2)
    _wait_for_signal(remote, execution, "how-many")
    remote.set_signal("how-many", execution.id.name, 40)
    execution = remote.wait(execution, timeout=timedelta(seconds=120), poll_interval=POLL)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == 42


def test_map_task_over_100_items_keeps_the_order(remote):
    xs = list(range(100))
    execution = run(remote, "runs.maps.map_wf", timeout=600, xs=xs)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == [2 * x for x in xs]
    (array,) = [n for n in execution.node_executions.values() if n.metadata.is_array]
    (record,) = array.task_executions
    resources = record.closure.metadata.external_resources
    assert sorted(r.index for r in resources) == xs
    assert all(r.phase == TaskExecutionPhase.SUCCEEDED and r.logs for r in resources)


def test_map_task_with_a_bound_input_and_the_array_index(remote):
    execution = run(remote, "runs.maps.map_bound_wf", xs=[5, 6, 7])
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == ["15@0", "16@1", "17@2"]


def test_map_task_concurrency_limits_running_items(remote, sandbox):
    xs = list(range(12))
    execution = run(remote, "runs.maps.map_concurrency_wf", timeout=300, xs=xs)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == xs
    (array,) = [n for n in execution.node_executions.values() if n.metadata.is_array]
    items = remote.client.list_node_executions(array.id.execution_id, unique_parent_id=array.id.node_id, limit=100)[0]
    spans = []
    for item in items:
        (attempt,) = remote.client.list_task_executions_paginated(item.id, limit=10)[0]
        start = round(attempt.closure.started_at.timestamp() * 1000)
        spans.append((start, start + round(attempt.closure.duration.total_seconds() * 1000)))
    assert len(spans) == 12
    assert max(sum(1 for s, e in spans if s <= t < e) for t, _ in spans) == 5, spans


def test_map_task_min_success_ratio_tolerates_failures(remote):
    xs = list(range(10))  # items 3 and 8 fail: 8 of 10 succeed
    execution = run(remote, "runs.maps.map_tolerant_wf", timeout=300, xs=xs)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == [None if x % 5 == 3 else x for x in xs]


def test_map_task_over_an_empty_list(remote):
    execution = run(remote, "runs.maps.map_wf", xs=[])
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == []


def _cache_status(execution):
    (node,) = [n for k, n in execution.node_executions.items() if k not in ("start-node", "end-node")]
    return node.closure.task_node_metadata.cache_status, node


def test_cached_task_is_not_run_twice(remote):
    first = run(remote, "runs.maps.cached_wf", x=12)
    assert first.outputs["o0"] == 144
    status, node = _cache_status(first)
    assert status == catalog_pb2.CACHE_POPULATED and len(node.task_executions) == 1
    second = run(remote, "runs.maps.cached_wf", x=12)
    assert second.closure.phase == WorkflowExecutionPhase.SUCCEEDED
    assert second.outputs["o0"] == 144
    status, node = _cache_status(second)
    assert status == catalog_pb2.CACHE_HIT and not node.task_executions  # the task did not run
    assert node.closure.task_node_metadata.catalog_key.dataset_id.name.endswith("cached_square")

    lp = remote.fetch_launch_plan(name="runs.maps.cached_wf", version=VERSION)
    again = remote.execute(lp, inputs={"x": 12}, overwrite_cache=True,
                           execution_name=unique("o")[-20:].replace("_", "-").lower())
    again = remote.wait(again, timeout=timedelta(seconds=120), poll_interval=POLL, sync_nodes=True)
    status, node = _cache_status(again)
    assert status == catalog_pb2.CACHE_POPULATED and len(node.task_executions) == 1  # ran again


def test_cache_serializable_computes_once(remote):
    lp = remote.fetch_launch_plan(name="runs.maps.serialized_wf", version=VERSION)
    executions = [remote.execute(lp, inputs={"x": 7}, execution_name=unique(f"s{i}")[-20:].replace("_", "-").lower())
                  for i in range(2)]
    done = [remote.wait(e, timeout=timedelta(seconds=180), poll_interval=POLL, sync_nodes=True) for e in executions]
    assert all(e.closure.phase == WorkflowExecutionPhase.SUCCEEDED and e.outputs["o0"] == 8 for e in done)
    ran = sum(len(_cache_status(e)[1].task_executions) for e in done)
    assert ran == 1, [_cache_status(e)[0] for e in done]


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


def _dynamic_node(execution):
    (node,) = [n for n in execution.node_executions.values() if n.metadata.is_dynamic]
    return node


def test_dynamic_runs_the_tasks_it_returns(remote, sandbox):
    execution = run(remote, "runs.dynamics.cubes_wf", n=4)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == [0, 1, 8, 27]
    node = _dynamic_node(execution)
    assert node.metadata.is_parent_node
    assert node.closure.phase == NodeExecutionPhase.SUCCEEDED
    assert node.outputs["o0"] == [0, 1, 8, 27]
    children = node.subworkflow_node_executions
    assert len(children) == 4, sorted(children)
    assert all(c.closure.phase == NodeExecutionPhase.SUCCEEDED for c in children.values())
    assert all(child_id.startswith(f"{node.id.node_id}-0-") for child_id in children)
    # The compiled workflow, as GetDynamicNodeWorkflow and GetNodeExecutionData serve it.
    request = node_execution_pb2.GetDynamicNodeWorkflowRequest(id=node.id.to_flyte_idl())
    compiled = sandbox.admin().GetDynamicNodeWorkflow(request, timeout=10).compiled_workflow
    spec_ids = {n.id for n in compiled.primary.template.nodes} - {"start-node", "end-node"}
    assert spec_ids == {c.metadata.spec_node_id for c in children.values()}
    assert [t.template.id.name for t in compiled.tasks] == ["runs.dynamics.cube"]
    data = sandbox.admin().GetNodeExecutionData(
        node_execution_pb2.NodeExecutionGetDataRequest(id=node.id.to_flyte_idl()), timeout=10
    )
    assert data.dynamic_workflow.compiled_workflow == compiled
    assert data.dynamic_workflow.dynamic_job_spec_uri.endswith("/futures.pb")


def test_dynamic_of_nothing_returns_its_outputs_directly(remote):
    execution = run(remote, "runs.dynamics.cubes_wf", n=0)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == []


def test_nested_dynamic(remote):
    execution = run(remote, "runs.dynamics.nested_dynamic_wf", n=3)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == [0, 1, 9]
    outer = _dynamic_node(execution)
    inner = [c for c in outer.subworkflow_node_executions.values() if c.metadata.is_dynamic]
    assert len(inner) == 3
    assert sorted(len(c.subworkflow_node_executions) for c in inner) == [1, 2, 3]


def test_dynamic_calls_registered_launch_plans(remote):
    execution = run(remote, "runs.dynamics.dynamic_launch_plans_wf", n=3)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs["o0"] == [0, 1, 8]
    children = _dynamic_node(execution).subworkflow_node_executions
    assert len(children) == 3, sorted(children)
    for node in children.values():
        child = remote.fetch_execution(name=node.closure.workflow_node_metadata.execution_id.name)
        assert child.closure.phase == WorkflowExecutionPhase.SUCCEEDED
        assert child.spec.launch_plan.name == "runs.dynamics.cube_lp"
        assert child.spec.metadata.mode == execution_pb2.ExecutionMetadata.CHILD_WORKFLOW
        parent = child.spec.metadata.parent_node_execution
        assert (parent.execution_id.name, parent.node_id) == (execution.id.name, node.id.node_id)


def test_recover_reuses_what_succeeded(remote, tmp_path):
    marker = tmp_path / "marker"
    failed = run(remote, "runs.recovery.recover_wf", x=4, marker=str(marker))
    assert failed.closure.phase == WorkflowExecutionPhase.FAILED
    assert "is missing" in failed.closure.error.message
    marker.write_text("present")
    recovered_id = remote.client.recover_execution(failed.id, unique("r")[-20:].replace("_", "-").lower())
    recovered = remote.wait(remote.fetch_execution(name=recovered_id.name), timeout=timedelta(seconds=120),
                            poll_interval=POLL, sync_nodes=True)
    assert recovered.closure.phase == WorkflowExecutionPhase.SUCCEEDED, recovered.closure.error
    assert recovered.outputs["o0"] == 50
    assert recovered.spec.metadata.mode == execution_pb2.ExecutionMetadata.RECOVERED
    assert recovered.spec.metadata.reference_execution.name == failed.id.name
    first, second = recovered.node_executions["n0"], recovered.node_executions["n1"]
    assert first.closure.phase == NodeExecutionPhase.RECOVERED
    # flytekit reads no outputs of a RECOVERED node (not "done" to it, as with FlyteAdmin): ask admin.
    data = remote.client.get_node_execution_data(first.id)
    assert data.full_outputs.literals["o0"].scalar.primitive.integer == 5
    assert not first.task_executions, "the node that succeeded is not run again"
    assert second.closure.phase == NodeExecutionPhase.SUCCEEDED
    assert len(second.task_executions) == 1
