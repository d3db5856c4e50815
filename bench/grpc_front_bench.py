#!/usr/bin/env python3
"""What the gRPC front costs normal traffic: every gRPC connection is relayed through it.

Per binary (the one under test, and a baseline binary given with --baseline, e.g. a build from before
the front, measured in the same run), over one grpcio channel:
1. serial round trips: GetVersion and ListExecutions (20 executions listed), p50 and mean;
2. pipelined: N GetVersion calls with 64 in flight, calls per second;
3. large messages: CreateTask with a 16 MiB template and GetTask of it (the bytes cross the
   front both ways), and CreateWorkflow of a 2,000-node workflow (about 1 MiB, mostly compile time).
Also the sandbox's CPU time over the whole run. Not a test: no pass/fail.
Run: .venv/bin/python bench/grpc_front_bench.py [--binary build/src/flyte] [--baseline OLD]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import grpc
from flyteidl.admin import common_pb2, execution_pb2, task_pb2, version_pb2
from flyteidl.admin import workflow_pb2 as admin_workflow_pb2
from flyteidl.core import identifier_pb2, interface_pb2, tasks_pb2, workflow_pb2
from flyteidl.service import admin_pb2_grpc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_bench import DOMAIN, PROJECT, ident, register_true_task, register_workflow, start_sandbox, stop_sandbox

REPO = Path(__file__).resolve().parents[1]
BIG = 16 << 20


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timings(call, n: int) -> list[float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return times


def serial(call, n: int) -> str:
    times = timings(call, n)
    return f"p50 {statistics.median(times) * 1e6:7.0f} us, mean {statistics.fmean(times) * 1e6:7.0f} us"


def pipelined(stub, n: int, in_flight: int = 64) -> str:
    t0 = time.perf_counter()
    pending = []
    for _ in range(n):
        pending.append(stub.GetVersion.future(version_pb2.GetVersionRequest(), timeout=60))
        if len(pending) >= in_flight:
            pending.pop(0).result()
    for future in pending:
        future.result()
    return f"{n / (time.perf_counter() - t0):7.0f} calls/s"


def timed(call, n: int) -> str:
    times = timings(call, n)
    return f"best {min(times) * 1e3:7.1f} ms, mean {statistics.fmean(times) * 1e3:7.1f} ms"


def big_task_request(i: int) -> task_pb2.TaskCreateRequest:
    task_id = ident(identifier_pb2.TASK, f"bench.big{i}")
    template = tasks_pb2.TaskTemplate(id=task_id, type="container", interface=interface_pb2.TypedInterface(),
                                      container=tasks_pb2.Container(image="local", args=["/bin/true"]),
                                      config={"padding": "x" * BIG})
    return task_pb2.TaskCreateRequest(id=task_id, spec=task_pb2.TaskSpec(template=template))


def wide_workflow(task_id, i: int, nodes: int = 2000) -> admin_workflow_pb2.WorkflowCreateRequest:
    wf_id = ident(identifier_pb2.WORKFLOW, f"bench.wide{i}")
    template = workflow_pb2.WorkflowTemplate(
        id=wf_id, interface=interface_pb2.TypedInterface(),
        nodes=[workflow_pb2.Node(id=f"node-with-a-long-name-{n:05d}", task_node=workflow_pb2.TaskNode(reference_id=task_id))
               for n in range(nodes)])
    return admin_workflow_pb2.WorkflowCreateRequest(id=wf_id, spec=admin_workflow_pb2.WorkflowSpec(template=template))


def measure(binary: Path, args) -> None:
    with tempfile.TemporaryDirectory(prefix="flyte-front-bench-") as tmp:
        root = Path(tmp)
        proc, port, _ = start_sandbox(binary, root)
        try:
            options = [("grpc.max_receive_message_length", 64 << 20), ("grpc.max_send_message_length", 64 << 20)]
            with grpc.insecure_channel(f"127.0.0.1:{port}", options=options) as channel:
                stub = admin_pb2_grpc.AdminServiceStub(channel)
                task_id = register_true_task(stub)
                lp_id = register_workflow(stub, "bench.one", task_id, 1, False)
                for n in range(20):
                    stub.CreateExecution(execution_pb2.ExecutionCreateRequest(
                        project=PROJECT, domain=DOMAIN, name=f"front{n}",
                        spec=execution_pb2.ExecutionSpec(launch_plan=lp_id)), timeout=30)
                cpu_before = cpu_seconds(proc.pid)
                version = version_pb2.GetVersionRequest()
                listing = common_pb2.ResourceListRequest(
                    id=common_pb2.NamedEntityIdentifier(project=PROJECT, domain=DOMAIN), limit=20)
                print(f"  GetVersion serial      {serial(lambda: stub.GetVersion(version, timeout=30), args.calls)}")
                print(f"  ListExecutions serial  {serial(lambda: stub.ListExecutions(listing, timeout=30), args.calls // 4)}")
                print(f"  GetVersion pipelined   {pipelined(stub, args.calls * 2)}")
                requests = [big_task_request(i) for i in range(3)]
                made = iter(requests)
                print(f"  CreateTask 16 MiB      {timed(lambda: stub.CreateTask(next(made), timeout=120), len(requests))}")
                get = common_pb2.ObjectGetRequest(id=requests[0].id)
                print(f"  GetTask 16 MiB         {timed(lambda: stub.GetTask(get, timeout=120), 5)}")
                workflows = iter([wide_workflow(task_id, i) for i in range(3)])
                print(f"  CreateWorkflow 2k nodes {timed(lambda: stub.CreateWorkflow(next(workflows), timeout=300), 3)}")
                print(f"  sandbox CPU            {cpu_seconds(proc.pid) - cpu_before:7.2f} s")
        finally:
            stop_sandbox(proc, root)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "src" / "flyte")
    parser.add_argument("--baseline", type=Path, help="another binary measured first, in the same run")
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    for label, binary in (("baseline", args.baseline), ("under test", args.binary)):
        if binary:
            print(f"{label}: {binary.resolve()}")
            measure(binary.resolve(), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
