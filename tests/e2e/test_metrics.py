"""Prometheus metrics at GET /metrics, scraped during real runs (flytekit registers and executes
`flyteproj/runs`) and parsed by Prometheus's own Python client: phase counters move as executions
run, API calls are counted by method and status code (gRPC and the HTTP gateway), histograms are
well formed, unknown methods do not become label values, and auth guards /metrics unless
`auth.anonymous_metrics` opens it.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from datetime import timedelta

import grpc
import pytest
import requests
from e2e_support import RPC_TIMEOUT_S, execution_id, register_package, rpc_error
from flyteidl.admin import execution_pb2
from flytekit.models.core.execution import WorkflowExecutionPhase
from prometheus_client.parser import text_string_to_metric_families

VERSION = "metrics-v1"
ADMIN = "flyteidl.service.AdminService"


@pytest.fixture(scope="module")
def sandbox(task_sandbox):
    return task_sandbox


@pytest.fixture(scope="module")
def remote(sandbox):
    return register_package(sandbox, "runs", VERSION)


def scrape(sb, headers=None) -> dict:
    """Families by name (a counter's without `_total`, as the parser names them)."""
    rsp = requests.get(f"{sb.http}/metrics", headers=headers, timeout=10)
    assert rsp.status_code == 200, rsp.text
    assert rsp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {family.name: family for family in text_string_to_metric_families(rsp.text)}


def value(families: dict, family: str, sample: str, **labels) -> float:
    """The sample of `family` named `sample` whose labels include `labels`, summed; 0 if none."""
    if family not in families:
        return 0.0
    return sum(
        s.value for s in families[family].samples
        if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())
    )


def run(remote, workflow: str, **inputs):
    lp = remote.fetch_launch_plan(name=f"runs.workflows.{workflow}", version=VERSION)
    execution = remote.execute(lp, inputs=inputs, execution_name="m" + uuid.uuid4().hex[:19])
    return remote.wait(execution, timeout=timedelta(seconds=120), poll_interval=timedelta(milliseconds=200))


def phases(families: dict, kind: str) -> dict:
    name = f"flyte_engine_{kind}_phase_transitions"
    return {phase: value(families, name, name + "_total", phase=phase)
            for phase in {s.labels["phase"] for s in families[name].samples}}


def test_phase_counters_and_latencies_move_as_executions_run(sandbox, remote):
    before = scrape(sandbox)
    # Every phase is there from the start, at zero or more.
    assert {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "ABORTED"} <= set(phases(before, "execution"))
    assert run(remote, "hello_wf", name="metrics").closure.phase == WorkflowExecutionPhase.SUCCEEDED
    assert run(remote, "boom_wf", x=1).closure.phase == WorkflowExecutionPhase.FAILED
    after = scrape(sandbox)

    executions = {k: phases(after, "execution")[k] - v for k, v in phases(before, "execution").items()}
    assert executions["QUEUED"] == 2 and executions["RUNNING"] == 2
    assert executions["SUCCEEDED"] == 1 and executions["FAILED"] == 1
    nodes = {k: phases(after, "node")[k] - v for k, v in phases(before, "node").items()}
    assert nodes["RUNNING"] >= 2 and nodes["SUCCEEDED"] >= 1 and nodes["FAILED"] >= 1
    tasks = {k: phases(after, "task_attempt")[k] - v for k, v in phases(before, "task_attempt").items()}
    assert tasks["RUNNING"] == 2 and tasks["SUCCEEDED"] == 1 and tasks["FAILED"] == 1

    def grew(family, sample, **labels):
        return value(after, family, sample, **labels) - value(before, family, sample, **labels)

    assert grew("flyte_engine_step_duration_seconds", "flyte_engine_step_duration_seconds_count") >= 4
    assert grew("flyte_plugin_start_duration_seconds", "flyte_plugin_start_duration_seconds_count",
                plugin="local") == 2
    assert grew("flyte_store_commit_duration_seconds", "flyte_store_commit_duration_seconds_count") >= 4
    assert value(after, "flyte_engine_active_executions", "flyte_engine_active_executions") == 0
    assert value(after, "flyte_engine_queue_depth", "flyte_engine_queue_depth") >= 0
    # flytekit's calls, by method and code.
    assert grew("flyte_grpc_server_handled", "flyte_grpc_server_handled_total",
                service=ADMIN, method="CreateExecution", code="OK") == 2
    assert grew("flyte_grpc_server_handling_seconds", "flyte_grpc_server_handling_seconds_count",
                service=ADMIN, method="CreateExecution") == 2


def test_api_calls_are_counted_by_method_and_code_on_both_transports(sandbox):
    missing = execution_pb2.WorkflowExecutionGetRequest(id=execution_id("absent" + uuid.uuid4().hex[:12]))
    assert rpc_error(sandbox.admin().GetExecution, missing).code() == grpc.StatusCode.NOT_FOUND
    assert requests.get(f"{sandbox.http}/api/v1/projects", timeout=10).status_code == 200
    assert requests.get(f"{sandbox.http}/api/v1/nothing/here", timeout=10).status_code == 404
    # A method nobody serves is counted, but under "unknown": clients do not choose label values.
    unknown = sandbox.channel().unary_unary("/made.up.Service/Whatever")
    with pytest.raises(grpc.RpcError) as refused:
        unknown(b"", timeout=RPC_TIMEOUT_S)
    assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED

    families = scrape(sandbox)
    handled = "flyte_grpc_server_handled"
    assert value(families, handled, handled + "_total", service=ADMIN, method="GetExecution", code="NOT_FOUND") >= 1
    # The gateway's call went through gRPC too, and is an HTTP request of its own.
    assert value(families, handled, handled + "_total", service=ADMIN, method="ListProjects", code="OK") >= 1
    http = "flyte_http_requests"
    assert value(families, http, http + "_total", method="GET", route="/api/v1", code="200") >= 1
    assert value(families, http, http + "_total", method="GET", route="/api/v1", code="404") >= 1
    assert value(families, http, http + "_total", method="GET", route="/healthz", code="200") >= 1
    assert value(families, http, http + "_total", method="GET", route="/metrics", code="200") >= 1
    labels = {v for s in families[handled].samples for v in s.labels.values()}
    assert not any("made.up" in v or "Whatever" in v for v in labels), labels


def test_histograms_are_well_formed(sandbox, remote):
    families = scrape(sandbox)
    histograms = [f for f in families.values() if f.type == "histogram"]
    assert {f.name for f in histograms} >= {
        "flyte_engine_step_duration_seconds", "flyte_store_commit_duration_seconds",
        "flyte_plugin_start_duration_seconds", "flyte_scheduler_lag_seconds",
        "flyte_grpc_server_handling_seconds", "flyte_http_request_duration_seconds",
    }
    for family in histograms:
        series = defaultdict(lambda: {"buckets": []})
        for s in family.samples:
            key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
            if s.name == family.name + "_bucket":
                series[key]["buckets"].append((float(s.labels["le"]), s.value))
            else:
                series[key][s.name[len(family.name):]] = s.value
        assert series, family.name
        for key, parts in series.items():
            buckets = parts["buckets"]
            bounds = [le for le, _ in buckets]
            counts = [n for _, n in buckets]
            assert bounds == sorted(bounds) and bounds[-1] == math.inf, (family.name, key, bounds)
            assert counts == sorted(counts), (family.name, key, counts)  # cumulative
            assert counts[-1] == parts["_count"], (family.name, key)
            assert parts["_sum"] >= 0, (family.name, key)


def test_metrics_need_a_token_when_auth_is_required_unless_opened(sandbox_factory):
    token = "st-" + uuid.uuid4().hex
    guarded_dir = sandbox_factory.new_dir("guarded")
    (guarded_dir / "sandbox.yaml").write_text(f"auth:\n  mode: on\n  static_tokens: [{token}]\n")
    guarded = sandbox_factory.start(base=guarded_dir, config=guarded_dir / "sandbox.yaml")
    refused = requests.get(f"{guarded.http}/metrics", timeout=10)
    assert refused.status_code == 401
    assert "flyte_" not in refused.text
    assert "flyte_engine_queue_depth" in scrape(guarded, headers={"Authorization": f"Bearer {token}"})

    open_dir = sandbox_factory.new_dir("open")
    (open_dir / "sandbox.yaml").write_text(
        f"auth:\n  mode: on\n  static_tokens: [{token}]\n  anonymous_metrics: true\n")
    opened = sandbox_factory.start(base=open_dir, config=open_dir / "sandbox.yaml")
    assert "flyte_engine_queue_depth" in scrape(opened)
    # Only /metrics is opened.
    assert requests.get(f"{opened.http}/api/v1/projects", timeout=10).status_code == 401


def test_metrics_take_get_only(sandbox):
    rsp = requests.post(f"{sandbox.http}/metrics", timeout=10)
    assert rsp.status_code == 405
