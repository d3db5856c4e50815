#!/usr/bin/env python3
"""Map task and task cache benchmarks (issue 4).

1. map: an array node over N items of a `/bin/true` raw container task (parallelism unset: the execution's
   max_parallelism, FlyteAdmin's default 25), N = 1,000 and 10,000: server time from CreateExecution to SUCCEEDED,
   per item, beside spawning /bin/true N times directly from Python in the same run.
2. cache: a workflow of N cached `/bin/true` nodes (distinct inputs), run twice: the second run is all cache hits;
   its wall time (CreateExecution -> terminal seen) and server time, beside the first run's.

Not a test: no pass/fail. Run: .venv/bin/python bench/map_cache_bench.py [--binary build/src/flyte]
                                 [--map 1000 10000] [--cached 200]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import grpc
from flyteidl.admin import launch_plan_pb2, task_pb2
from flyteidl.admin import workflow_pb2 as admin_workflow_pb2
from flyteidl.core import identifier_pb2, interface_pb2, literals_pb2, tasks_pb2, types_pb2, workflow_pb2
from flyteidl.service import admin_pb2_grpc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_bench import REPO, Phase, ident, ms, run_execution, spawn_baseline, start_sandbox, stop_sandbox  # noqa: E402

INT = types_pb2.LiteralType(simple=types_pb2.INTEGER)
INT_LIST = types_pb2.LiteralType(collection_type=INT)


def interface(inputs: dict) -> interface_pb2.TypedInterface:
    return interface_pb2.TypedInterface(inputs=interface_pb2.VariableMap(
        variables={k: interface_pb2.Variable(type=v) for k, v in inputs.items()}))


def register(stub, name: str, template: workflow_pb2.WorkflowTemplate) -> identifier_pb2.Identifier:
    stub.CreateWorkflow(admin_workflow_pb2.WorkflowCreateRequest(
        id=template.id, spec=admin_workflow_pb2.WorkflowSpec(template=template)), timeout=120)
    lp_id = ident(identifier_pb2.LAUNCH_PLAN, name)
    stub.CreateLaunchPlan(launch_plan_pb2.LaunchPlanCreateRequest(
        id=lp_id, spec=launch_plan_pb2.LaunchPlanSpec(workflow_id=template.id)))
    return lp_id


def register_task(stub, name: str, inputs: dict, cached: bool) -> identifier_pb2.Identifier:
    task_id = ident(identifier_pb2.TASK, name)
    template = tasks_pb2.TaskTemplate(
        id=task_id, type="container", interface=interface(inputs),
        metadata=tasks_pb2.TaskMetadata(discoverable=cached, discovery_version="1" if cached else ""),
        container=tasks_pb2.Container(image="local", args=["/bin/true"]))
    stub.CreateTask(task_pb2.TaskCreateRequest(id=task_id, spec=task_pb2.TaskSpec(template=template)))
    return task_id


def int_literal(value: int) -> literals_pb2.Literal:
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=value)))


def bench_map(stub, n: int, timeout: float) -> None:
    task_id = register_task(stub, f"bench.map_item_{n}", {"x": INT_LIST}, cached=False)
    array = workflow_pb2.Node(
        id="map", array_node=workflow_pb2.ArrayNode(node=workflow_pb2.Node(
            id="map", task_node=workflow_pb2.TaskNode(reference_id=task_id))),
        inputs=[literals_pb2.Binding(var="x", binding=literals_pb2.BindingData(
            promise=types_pb2.OutputReference(node_id="start-node", var="x")))])
    wf_id = ident(identifier_pb2.WORKFLOW, f"bench.map_{n}")
    lp_id = register(stub, f"bench.map_{n}", workflow_pb2.WorkflowTemplate(
        id=wf_id, interface=interface({"x": INT_LIST}), nodes=[array]))
    items = literals_pb2.Literal(collection=literals_pb2.LiteralCollection(literals=[int_literal(i) for i in range(n)]))
    posix, _ = spawn_baseline(n)
    result = run_execution(stub, lp_id, f"map-{n}", timeout, inputs=literals_pb2.LiteralMap(literals={"x": items}))
    print(f"  map over {n} /bin/true items: phase {Phase.Name(result['phase'])} {result['error']}")
    print(f"    server (created_at -> updated_at): {ms(result['server'])}   per item {ms(result['server'] / n)}"
          f"   (target for 1,000: < 3 s)")
    print(f"    baseline: /bin/true x {n} from Python, posix_spawn+waitpid: {ms(posix * n)}  per spawn {ms(posix)}")


def bench_cache(stub, n: int, timeout: float) -> None:
    task_id = register_task(stub, f"bench.cached_{n}", {"x": INT}, cached=True)
    nodes = [workflow_pb2.Node(id=f"n{i}", task_node=workflow_pb2.TaskNode(reference_id=task_id),
                               inputs=[literals_pb2.Binding(var="x", binding=literals_pb2.BindingData(
                                   scalar=int_literal(i).scalar))]) for i in range(n)]
    wf_id = ident(identifier_pb2.WORKFLOW, f"bench.cached_{n}")
    lp_id = register(stub, f"bench.cached_{n}", workflow_pb2.WorkflowTemplate(
        id=wf_id, interface=interface_pb2.TypedInterface(), nodes=nodes))
    first = run_execution(stub, lp_id, f"cached-{n}-first", timeout)
    second = run_execution(stub, lp_id, f"cached-{n}-second", timeout)
    print(f"  {n} cached /bin/true nodes: first run (computes) phase {Phase.Name(first['phase'])}: server {ms(first['server'])}"
          f", wall {ms(first['wall'])}")
    print(f"    second run (all cache hits) phase {Phase.Name(second['phase'])}: server {ms(second['server'])}, "
          f"wall {ms(second['wall'])} (target < 200 ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "src" / "flyte")
    parser.add_argument("--map", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--cached", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flyte-map-bench-") as tmp:
        root = Path(tmp)
        proc, port, _ = start_sandbox(args.binary.resolve(), root)
        try:
            print(f"flyte map/cache bench ({args.binary}, port {port})")
            with grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.max_send_message_length", 1 << 26)]) as ch:
                stub = admin_pb2_grpc.AdminServiceStub(ch)
                for n in args.map:
                    bench_map(stub, n, args.timeout)
                bench_cache(stub, args.cached, args.timeout)
        finally:
            stop_sandbox(proc, root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
