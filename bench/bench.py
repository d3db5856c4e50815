#!/usr/bin/env python3
"""Sandbox core benchmarks: start-up, idle memory, binary size, registration throughput.

Every figure is printed beside a baseline measured in the same run on the same machine.
Run: .venv/bin/python bench/bench.py [--binary build/src/flyte] [--runs 20]
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc
from flyteidl.admin import task_pb2, version_pb2, workflow_pb2 as admin_workflow_pb2
from flyteidl.core import identifier_pb2, interface_pb2, literals_pb2, tasks_pb2, types_pb2, workflow_pb2
from flyteidl.service import admin_pb2_grpc

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn_sandbox(binary: Path, port: int, state: Path, home: Path) -> subprocess.Popen:
    env = dict(os.environ, HOME=str(home))
    return subprocess.Popen(
        [str(binary), "sandbox", "start", "--port", str(port), "--state-dir", str(state)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def get_version(port: int) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        admin_pb2_grpc.AdminServiceStub(channel).GetVersion(version_pb2.GetVersionRequest(), timeout=2)


def time_to_first_get_version(binary: Path, root: Path, i: int) -> float:
    port = free_port()
    start = time.perf_counter()
    proc = spawn_sandbox(binary, port, root / f"state{i}", root / f"home{i}")
    try:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.05):
                    pass
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("sandbox exited during start-up")
                time.sleep(0.0005)
        get_version(port)
        return time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(10)


def time_command(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def make_task(i: int, version: str) -> task_pb2.TaskCreateRequest:
    ident = identifier_pb2.Identifier(resource_type=identifier_pb2.TASK, project="flytesnacks",
                                      domain="development", name=f"bench.task_{i}", version=version)
    int_type = types_pb2.LiteralType(simple=types_pb2.INTEGER)
    template = tasks_pb2.TaskTemplate(
        id=ident, type="python-task",
        interface=interface_pb2.TypedInterface(
            inputs=interface_pb2.VariableMap(variables={"x": interface_pb2.Variable(type=int_type)}),
            outputs=interface_pb2.VariableMap(variables={"o0": interface_pb2.Variable(type=int_type)})),
        container=tasks_pb2.Container(image="python:3.11", args=["pyflyte-execute", "--inputs", "{{.input}}"]))
    return task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=template))


def make_workflow(i: int, version: str) -> admin_workflow_pb2.WorkflowCreateRequest:
    ident = identifier_pb2.Identifier(resource_type=identifier_pb2.WORKFLOW, project="flytesnacks",
                                      domain="development", name=f"bench.wf_{i}", version=version)
    task_id = identifier_pb2.Identifier(resource_type=identifier_pb2.TASK, project="flytesnacks",
                                        domain="development", name=f"bench.task_{i}", version=version)
    int_type = types_pb2.LiteralType(simple=types_pb2.INTEGER)
    node = workflow_pb2.Node(
        id="n0", task_node=workflow_pb2.TaskNode(reference_id=task_id),
        inputs=[literals_pb2.Binding(var="x", binding=literals_pb2.BindingData(
            promise=types_pb2.OutputReference(node_id="start-node", var="x")))])
    template = workflow_pb2.WorkflowTemplate(
        id=ident,
        interface=interface_pb2.TypedInterface(
            inputs=interface_pb2.VariableMap(variables={"x": interface_pb2.Variable(type=int_type)}),
            outputs=interface_pb2.VariableMap(variables={"o0": interface_pb2.Variable(type=int_type)})),
        nodes=[node],
        outputs=[literals_pb2.Binding(var="o0", binding=literals_pb2.BindingData(
            promise=types_pb2.OutputReference(node_id="n0", var="o0")))])
    return admin_workflow_pb2.WorkflowCreateRequest(id=ident, spec=admin_workflow_pb2.WorkflowSpec(template=template))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "src" / "flyte")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--entities", type=int, default=100)
    args = parser.parse_args()
    binary = args.binary.resolve()

    with tempfile.TemporaryDirectory(prefix="flyte-bench-") as tmp:
        root = Path(tmp)
        start = sorted(time_to_first_get_version(binary, root, i) for i in range(args.runs))
        true_cost = sorted(time_command(["/bin/true"]) for _ in range(args.runs))
        python_cost = sorted(time_command([sys.executable, "-c", "pass"]) for _ in range(args.runs))

        port = free_port()
        proc = spawn_sandbox(binary, port, root / "state", root / "home")
        try:
            while True:
                try:
                    get_version(port)
                    break
                except grpc.RpcError:
                    time.sleep(0.01)
            client_floor = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                get_version(port)
                client_floor.append(time.perf_counter() - t0)
            time.sleep(1.0)
            idle_rss = rss_mib(proc.pid)

            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = admin_pb2_grpc.AdminServiceStub(channel)
                n = args.entities
                t0 = time.perf_counter()
                for _ in range(2 * n):
                    stub.GetVersion(version_pb2.GetVersionRequest())
                rpc_floor = time.perf_counter() - t0
                t0 = time.perf_counter()
                for i in range(n):
                    stub.CreateTask(make_task(i, "v1"))
                for i in range(n):
                    stub.CreateWorkflow(make_workflow(i, "v1"))
                register = time.perf_counter() - t0
            rss_after = rss_mib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(10)

    ms = lambda s: f"{s * 1000:8.2f} ms"
    med = statistics.median
    print(f"flyte bench ({binary})")
    print(f"  start: exec -> first GetVersion, fresh state, median of {args.runs}: {ms(med(start))}  (target < 50 ms)")
    print(f"    baseline: GetVersion on a fresh channel to a running sandbox (client floor): {ms(med(client_floor))}")
    print(f"    baseline: exec /bin/true:                {ms(med(true_cost))}")
    print(f"    baseline: exec {Path(sys.executable).name} -c pass:     {ms(med(python_cost))}")
    print(f"  idle RSS after start:             {idle_rss:8.1f} MiB  (target < 40 MiB)")
    print(f"  RSS after the registrations:      {rss_after:8.1f} MiB")
    print(f"  binary size:                      {binary.stat().st_size / 2**20:8.1f} MiB  (target < 40 MiB)")
    print(f"  register {n} tasks + {n} workflows (serial CreateTask/CreateWorkflow): {ms(register)}"
          f"  = {register / (2 * n) * 1e6:.0f} us per entity")
    print(f"    baseline: {2 * n} serial GetVersion calls on the same channel:   {ms(rpc_floor)}"
          f"  = {rpc_floor / (2 * n) * 1e6:.0f} us per call")
    return 0


if __name__ == "__main__":
    sys.exit(main())
