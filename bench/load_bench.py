#!/usr/bin/env python3
"""Load benchmark: many concurrent gRPC and HTTP clients for a fixed time, then with idle sockets held open.

Per binary (the one under test, and a baseline binary given with --baseline, measured in the same run):
1. load:        G gRPC clients (a channel each: 90 % reads — ListExecutions, GetExecution, GetLaunchPlan — and
                10 % CreateExecution of a 3-node chain of /bin/true) and H HTTP/1.1 keep-alive clients
                (GET /api/v1/projects, /api/v1/executions/..., /healthz) for S seconds.
2. load + idle: the same while I idle TCP connections that never send a byte are held open.
Printed for each: requests per second, errors by code (gRPC code or HTTP status; must be 0), p50 / p99 latency,
the sandbox's RSS before and after and its peak (VmHWM), and, once the executions created have ended, how many
SUCCEEDED out of how many. The clients run in several processes so that Python is not the bottleneck.
Not a test: no pass/fail.
Run: .venv/bin/python bench/load_bench.py [--binary build/src/flyte] [--baseline OLD] [--seconds 60]
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import resource
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import grpc
from flyteidl.admin import common_pb2, execution_pb2
from flyteidl.core import identifier_pb2
from flyteidl.service import admin_pb2_grpc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_bench import (
    DOMAIN,
    PROJECT,
    TERMINAL,
    Phase,
    register_true_task,
    register_workflow,
    start_sandbox,
    stop_sandbox,
)

REPO = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------------------ clients

async def grpc_client(port: int, lp_id, deadline: float, tag: str, results: dict) -> None:
    async with grpc.aio.insecure_channel(f"localhost:{port}") as channel:
        stub = admin_pb2_grpc.AdminServiceStub(channel)
        n = 0
        while time.monotonic() < deadline:
            pick = random.random()
            t0 = time.perf_counter()
            try:
                if pick < 0.10:
                    n += 1
                    name = f"l{tag}x{n}"
                    await stub.CreateExecution(execution_pb2.ExecutionCreateRequest(
                        project=PROJECT, domain=DOMAIN, name=name,
                        spec=execution_pb2.ExecutionSpec(launch_plan=lp_id)), timeout=30)
                    results["created"].append(name)
                    kind = "CreateExecution"
                elif pick < 0.55:
                    await stub.ListExecutions(common_pb2.ResourceListRequest(
                        id=common_pb2.NamedEntityIdentifier(project=PROJECT, domain=DOMAIN), limit=20), timeout=30)
                    kind = "ListExecutions"
                elif pick < 0.80 and results["created"]:
                    await stub.GetExecution(execution_pb2.WorkflowExecutionGetRequest(
                        id=identifier_pb2.WorkflowExecutionIdentifier(
                            project=PROJECT, domain=DOMAIN, name=random.choice(results["created"]))), timeout=30)
                    kind = "GetExecution"
                else:
                    await stub.GetLaunchPlan(common_pb2.ObjectGetRequest(id=lp_id), timeout=30)
                    kind = "GetLaunchPlan"
                results["errors"]["ok"] += 1
            except grpc.aio.AioRpcError as e:
                results["errors"][f"grpc {e.code().name}"] += 1
                kind = "error"
            results["latency"].setdefault(kind, []).append(time.perf_counter() - t0)


HTTP_PATHS = ["/api/v1/projects", f"/api/v1/executions/{PROJECT}/{DOMAIN}?limit=20", "/healthz"]


async def http_client(port: int, deadline: float, results: dict) -> None:
    reader = writer = None
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            path = random.choice(HTTP_PATHS)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nAccept: application/json\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                key, _, value = line.partition(b":")
                if key.strip().lower() == b"content-length":
                    length = int(value)
            await asyncio.wait_for(reader.readexactly(length), 30)
            results["errors"]["ok" if status == 200 else f"http {status}"] += 1
            results["latency"].setdefault("HTTP GET", []).append(time.perf_counter() - t0)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as e:
            results["errors"][f"http {type(e).__name__}"] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def client_process(port: int, lp_bytes: bytes, grpc_clients: int, http_clients: int, seconds: float,
                   tag: str, out) -> None:
    """One process of clients; sends back {errors, latency, created}."""
    lp_id = identifier_pb2.Identifier.FromString(lp_bytes)
    results = {"errors": Counter(), "latency": {}, "created": []}

    async def run() -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*[grpc_client(port, lp_id, deadline, f"{tag}g{i}", results) for i in range(grpc_clients)],
                             *[http_client(port, deadline, results) for _ in range(http_clients)])

    asyncio.run(run())
    out.send(results)


# ------------------------------------------------------------------------------------------ measurement

def proc_status(pid: int) -> dict:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "Threads"):
            values[key] = int(value.split()[0])
    return values


def open_idle_sockets(port: int, n: int) -> list[socket.socket]:
    sockets = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        sockets.append(s)
    return sockets


def wait_terminal(stub, names: list[str], timeout: float) -> Counter:
    phases = Counter()
    deadline = time.monotonic() + timeout
    for name in names:
        while True:
            execution = stub.GetExecution(execution_pb2.WorkflowExecutionGetRequest(
                id=identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=name)))
            if execution.closure.phase in TERMINAL or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        phases[execution.closure.phase] += 1
    return phases


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def run_phase(proc, port: int, lp_id, args, idle: int, label: str) -> dict:
    idle_sockets = open_idle_sockets(port, idle) if idle else []
    time.sleep(0.5)
    before = proc_status(proc.pid)
    per = max(1, args.processes)
    pipes, workers = [], []
    for p in range(per):
        g = args.grpc_clients // per + (p < args.grpc_clients % per)
        h = args.http_clients // per + (p < args.http_clients % per)
        recv, send = multiprocessing.Pipe(duplex=False)
        w = multiprocessing.Process(target=client_process,
                                    args=(port, lp_id.SerializeToString(), g, h, args.seconds, f"{label}p{p}", send))
        w.start()
        pipes.append(recv)
        workers.append(w)
    merged = {"errors": Counter(), "latency": {}, "created": []}
    for recv in pipes:
        r = recv.recv()
        merged["errors"].update(r["errors"])
        for kind, values in r["latency"].items():
            merged["latency"].setdefault(kind, []).extend(values)
        merged["created"] += r["created"]
    for w in workers:
        w.join()
    after = proc_status(proc.pid)
    for s in idle_sockets:
        s.close()
    with grpc.insecure_channel(f"localhost:{port}") as channel:
        phases = wait_terminal(admin_pb2_grpc.AdminServiceStub(channel), merged["created"], timeout=600)
    return {"merged": merged, "before": before, "after": after, "phases": phases, "alive": proc.poll() is None}


def report(label: str, result: dict, seconds: float) -> None:
    m = result["merged"]
    total = sum(m["errors"].values())
    errors = {k: v for k, v in m["errors"].items() if k != "ok"}
    print(f"  {label}: {total / seconds:,.0f} req/s ({total:,} requests), errors: {errors or 0}, "
          f"sandbox alive: {result['alive']}")
    for kind, values in sorted(m["latency"].items()):
        print(f"    {kind:<16} n={len(values):>7,}  p50 {1000 * statistics.median(values):7.1f} ms"
              f"  p99 {1000 * percentile(values, 0.99):7.1f} ms")
    b, a = result["before"], result["after"]
    print(f"    RSS {b['VmRSS'] / 1024:.0f} MiB before, {a['VmRSS'] / 1024:.0f} MiB after, peak {a['VmHWM'] / 1024:.0f} MiB;"
          f" threads {b['Threads']} -> {a['Threads']}")
    succeeded = result["phases"][Phase.SUCCEEDED]
    print(f"    executions created: {len(m['created'])}, SUCCEEDED: {succeeded}, "
          f"other: {sum(result['phases'].values()) - succeeded}")


def bench_binary(binary: Path, args, title: str) -> None:
    print(f"\n== {title}: {binary}")
    with tempfile.TemporaryDirectory(prefix="flyte-load-") as tmp:
        root = Path(tmp)
        proc, port, _ = start_sandbox(binary, root)
        try:
            with grpc.insecure_channel(f"localhost:{port}") as channel:
                stub = admin_pb2_grpc.AdminServiceStub(channel)
                task_id = register_true_task(stub)
                lp_id = register_workflow(stub, "load.chain3", task_id, 3, chained=True)
            report("load", run_phase(proc, port, lp_id, args, 0, "a"), args.seconds)
            report(f"load + {args.idle} idle connections", run_phase(proc, port, lp_id, args, args.idle, "b"),
                   args.seconds)
        finally:
            stop_sandbox(proc, root)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "src" / "flyte")
    parser.add_argument("--baseline", type=Path, help="another flyte binary measured the same way first")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--grpc-clients", type=int, default=200)
    parser.add_argument("--http-clients", type=int, default=200)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    if args.baseline:
        bench_binary(args.baseline, args, "baseline")
    bench_binary(args.binary, args, "under test")
    return 0


if __name__ == "__main__":
    sys.exit(main())
