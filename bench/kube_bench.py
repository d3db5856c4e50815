#!/usr/bin/env python3
"""The pod plugin's costs, against the tests' real kube-apiserver (tests/k8s) and node agent
(tests/e2e/kube_node_agent.py: podman runs the pods, on this machine):
(a) a one-node workflow of a raw container running `/bin/true` in the busybox test image, x N back
    to back: median server time (CreateExecution -> SUCCEEDED) with the task as a Pod (create,
    bind, run with podman, status through the API, the watch, the log read, the delete) beside
    the same task through the container plugin (podman's Docker-compatible service) on a second
    sandbox in the same run.
(b) 500 pods running at once (one workflow of 500 parallel nodes; the agent reports each bound pod
    Running and runs nothing; max_log_streams 0, so the watch alone): how long until all 500 run, the sandbox's connections to the API
    server, its RSS and its CPU over 20 s while they run and while 500 status changes arrive,
    and how long until every pod is gone after the execution is terminated; beside the same
    sandbox idle before the run.

Not a test: no pass/fail. Run: .venv/bin/python bench/kube_bench.py [--binary build/src/flyte]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flyteidl.admin import execution_pb2, launch_plan_pb2, task_pb2
from flyteidl.admin import workflow_pb2 as admin_workflow_pb2
from flyteidl.core import identifier_pb2, interface_pb2, tasks_pb2, workflow_pb2
import grpc
from flyteidl.service import admin_pb2_grpc

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from engine_bench import DOMAIN, PROJECT, REPO, Phase, ident, run_execution, start_sandbox, stop_sandbox  # noqa: E402
from kube_cluster import ADMIN_TOKEN, start_cluster  # noqa: E402
from kube_node_agent import NodeAgent  # noqa: E402

NAMESPACE = "flyte-bench"


def script(name: str) -> str:
    return subprocess.run([str(REPO / "scripts" / name)], check=True, capture_output=True, text=True).stdout.strip()


def register(stub, image: str, name: str, n: int) -> identifier_pb2.Identifier:
    """A raw-container task running /bin/true in `image`, and a workflow of `n` parallel nodes of it
    whose launch plan lets all of them run at once."""
    task_id = ident(identifier_pb2.TASK, f"{name}.true")
    template = tasks_pb2.TaskTemplate(id=task_id, type="raw-container", interface=interface_pb2.TypedInterface(),
                                      container=tasks_pb2.Container(image=image, args=["/bin/true"]))
    stub.CreateTask(task_pb2.TaskCreateRequest(id=task_id, spec=task_pb2.TaskSpec(template=template)))
    nodes = [workflow_pb2.Node(id=f"n{i}", task_node=workflow_pb2.TaskNode(reference_id=task_id)) for i in range(n)]
    wf_id = ident(identifier_pb2.WORKFLOW, name)
    stub.CreateWorkflow(admin_workflow_pb2.WorkflowCreateRequest(id=wf_id, spec=admin_workflow_pb2.WorkflowSpec(
        template=workflow_pb2.WorkflowTemplate(id=wf_id, interface=interface_pb2.TypedInterface(), nodes=nodes))),
        timeout=60)
    lp_id = ident(identifier_pb2.LAUNCH_PLAN, name)
    stub.CreateLaunchPlan(launch_plan_pb2.LaunchPlanCreateRequest(
        id=lp_id, spec=launch_plan_pb2.LaunchPlanSpec(workflow_id=wf_id, max_parallelism=n)))
    return lp_id


def sandbox_usage(pid: int) -> tuple[float, float]:
    """(RSS in MiB, CPU seconds used so far) of a process."""
    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmRSS:")) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return rss, (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks of 1/100 s


def connections(pid: int, port: int) -> int:
    listed = subprocess.run(["ss", "-Htnp", "state", "established", "dst", f"127.0.0.1:{port}"], capture_output=True,
                            text=True).stdout
    return sum(f"pid={pid}," in line for line in listed.splitlines())


def pods(cluster, phase: str | None = None) -> int:
    items = cluster.api("GET", f"/api/v1/namespaces/{NAMESPACE}/pods").json()["items"]
    return sum(phase is None or item.get("status", {}).get("phase") == phase for item in items)


def one_node(binary: Path, root: Path, image: str, tasks_config: str, runs: int) -> list[float]:
    proc, port, _ = start_sandbox(binary, root, 0, tasks_config)
    try:
        stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
        lp_id = register(stub, image, "bench.one", 1)
        times = []
        for i in range(runs):
            result = run_execution(stub, lp_id, f"one-{i}", timeout=120)
            assert result["phase"] == Phase.SUCCEEDED, result
            times.append(result["server"])
        return times
    finally:
        stop_sandbox(proc, root)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "src" / "flyte")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--pods", type=int, default=500)
    args = parser.parse_args()
    image = script("build-test-image.sh")
    with tempfile.TemporaryDirectory(prefix="kube-bench-") as tmp:
        root = Path(tmp)
        cluster = start_cluster(root / "cluster")
        agent = NodeAgent(cluster, root / "agent").start()
        podman = subprocess.Popen(["podman", "system", "service", "--time=0", f"unix://{root / 'podman.sock'}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert cluster.api("POST", "/api/v1/namespaces", json={"apiVersion": "v1", "kind": "Namespace",
                                                                   "metadata": {"name": NAMESPACE}}).status_code == 201
            kubeconfig = cluster.kubeconfig(root / "kubeconfig", {"token": ADMIN_TOKEN})
            kube = (f"  plugins:\n    raw-container: kubernetes\n  kubernetes:\n    kubeconfig: {kubeconfig}\n"
                    f"    namespace: {NAMESPACE}\n    writes_per_second: 100\n")
            while not (root / "podman.sock").exists():
                time.sleep(0.05)
            as_pods = one_node(args.binary, root / "pods", image, kube, args.runs)
            in_containers = one_node(args.binary, root / "containers", image,
                                     f"  plugins:\n    raw-container: container\n  containers:\n"
                                     f"    socket: unix://{root / 'podman.sock'}\n", args.runs)

            agent.simulate = True
            # The watch's cost alone: no log is followed (each followed log is a connection of its
            # own, max_log_streams of them at most; the simulated pods have none to follow).
            proc, port, _ = start_sandbox(args.binary, root / "many", 0, kube + "    max_log_streams: 0\n")
            try:
                stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
                lp_id = register(stub, image, "bench.many", args.pods)
                idle_rss, cpu0 = sandbox_usage(proc.pid)
                time.sleep(20)
                idle_cpu = sandbox_usage(proc.pid)[1] - cpu0
                idle_connections = connections(proc.pid, cluster.port)
                exec_id = identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name="many")
                started = time.perf_counter()
                stub.CreateExecution(execution_pb2.ExecutionCreateRequest(
                    project=PROJECT, domain=DOMAIN, name="many", spec=execution_pb2.ExecutionSpec(launch_plan=lp_id)))
                while pods(cluster, "Running") < args.pods:
                    assert time.perf_counter() - started < 600, f"{pods(cluster, 'Running')} pods running"
                    time.sleep(0.5)
                all_running = time.perf_counter() - started
                busy_connections = connections(proc.pid, cluster.port)
                _, cpu0 = sandbox_usage(proc.pid)
                # 500 status changes (a condition each pod's node reports), spread over the window.
                items = cluster.api("GET", f"/api/v1/namespaces/{NAMESPACE}/pods").json()["items"]
                window = time.perf_counter()
                for item in items:
                    patch = {"status": {"conditions": item["status"]["conditions"] + [
                        {"type": "bench/Heartbeat", "status": "True"}]}}
                    cluster.api("PATCH", f"/api/v1/namespaces/{NAMESPACE}/pods/{item['metadata']['name']}/status",
                                data=json.dumps(patch), headers={"Content-Type": "application/merge-patch+json"})
                time.sleep(max(0.0, 20 - (time.perf_counter() - window)))
                busy_rss, cpu1 = sandbox_usage(proc.pid)
                busy_cpu = cpu1 - cpu0
                patched_in = time.perf_counter() - window
                stub.TerminateExecution(execution_pb2.ExecutionTerminateRequest(id=exec_id, cause="bench"))
                stopped = time.perf_counter()
                while pods(cluster) > 0:
                    assert time.perf_counter() - stopped < 600, f"{pods(cluster)} pods left"
                    time.sleep(0.5)
                all_gone = time.perf_counter() - stopped
            finally:
                stop_sandbox(proc, root / "many")
        finally:
            agent.stop()
            cluster.stop()
            podman.terminate()
            podman.wait()
    print(f"Kubernetes pod plugin (kube-apiserver v1.34.2 on loopback, podman node agent), "
          f"{len(as_pods)} runs each:")
    print(f"  (a) one raw-container node, median server time: as a pod {statistics.median(as_pods) * 1000:6.0f} ms | "
          f"as a container (container plugin, same podman) {statistics.median(in_containers) * 1000:6.0f} ms")
    print(f"  (b) {args.pods} pods running (status simulated): all running {all_running:5.1f} s after CreateExecution "
          f"(writes_per_second 100); all gone {all_gone:5.1f} s after terminate")
    print(f"      connections to the API server: {busy_connections} with {args.pods} pods | {idle_connections} idle")
    print(f"      sandbox RSS: {busy_rss:6.1f} MiB with {args.pods} pods | {idle_rss:6.1f} MiB idle")
    print(f"      sandbox CPU over {patched_in:4.1f} s: {busy_cpu:5.2f} s with {args.pods} pods and {len(items)} status "
          f"changes | {idle_cpu:5.2f} s over 20 s idle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
