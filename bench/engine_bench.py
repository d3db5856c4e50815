#!/usr/bin/env python3
"""Execution engine benchmarks: per-node cost of a long chain and a wide fan-out, and flytekit's hello world.

1. chain:   a workflow of N nodes of a `/bin/true` container task, each after the previous (upstream_node_ids).
2. fan-out: a workflow of N independent nodes of the same task (max_parallelism unset: FlyteAdmin's default 25).
   For both: wall time from CreateExecution to a terminal phase (GetExecution polled every 20 ms), server time
   (closure.created_at -> updated_at, and closure.duration), ms per node, and engine overhead per node =
   (server time - N x spawn baseline) / N; how many nodes ran at once comes from the node executions' closures.
3. baseline: /bin/true spawned N times sequentially from Python (os.posix_spawn + waitpid, and subprocess.run).
4. hello world: `pyflyte register` of tests/e2e/flyteproj's `runs`, then runs.workflows.hello_wf through
   FlyteRemote: back to back, and 1 s apart (the Python worker started ahead has finished importing
   flytekit); baselines: the same on a sandbox with `tasks.warm_python: 0` (every task starts its own
   interpreter), and `python -c "import flytekit"` (the floor of every such interpreter).

Every figure is printed beside its baseline, measured in the same run. Not a test: no pass/fail.
Run: .venv/bin/python bench/engine_bench.py [--binary build/src/flyte] [--chain 1000] [--fanout 500]
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import grpc
from flyteidl.admin import execution_pb2, launch_plan_pb2, node_execution_pb2, task_pb2
from flyteidl.admin import workflow_pb2 as admin_workflow_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2, identifier_pb2, interface_pb2, literals_pb2
from flyteidl.core import tasks_pb2, workflow_pb2
from flyteidl.service import admin_pb2_grpc

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
FLYTEPROJ = REPO / "tests" / "e2e" / "flyteproj"
PROJECT, DOMAIN, VERSION = "flytesnacks", "development", "bench-v1"
Phase = core_execution_pb2.WorkflowExecution.Phase
TERMINAL = {Phase.SUCCEEDED, Phase.FAILED, Phase.ABORTED, Phase.TIMED_OUT}


# ------------------------------------------------------------------------------------------ sandbox

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client_env(home: Path, config: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE_", "FLYTECTL_", "_FLYTECTL"))}
    env.update(HOME=str(home), FLYTECTL_CONFIG=str(config), PATH=f"{VENV_BIN}:{env.get('PATH', '/usr/bin:/bin')}")
    return env


def start_sandbox(binary: Path, root: Path, warm_python: int = 1, more_tasks_config: str = ""
                  ) -> tuple[subprocess.Popen, int, Path]:
    """Starts the sandbox (tasks get the venv's bin on PATH; `more_tasks_config`: more keys of its
    `tasks:` section, indented), waits for /healthz. Returns (proc, port, config)."""
    home = root / "home"
    home.mkdir(parents=True)
    config = root / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n  warm_python: {warm_python}\n{more_tasks_config}")
    port = free_port()
    client_config = root / "client.yaml"
    client_config.write_text(f"admin:\n  endpoint: dns:///localhost:{port}\n  insecure: true\n")
    with open(root / "sandbox.stderr", "wb") as err:
        proc = subprocess.Popen(
            [str(binary), "sandbox", "start", "--port", str(port), "--state-dir", str(root / "state"),
             "--config", str(config)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, cwd=root,
            env=client_env(home, client_config))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc, port, client_config
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"sandbox did not start; stderr:\n{(root / 'sandbox.stderr').read_text()[-4000:]}")


def stop_sandbox(proc: subprocess.Popen, root: Path) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = "timeout, killed"
    if rc != 0:
        print(f"  sandbox exit on SIGTERM: {rc}; stderr:\n{(root / 'sandbox.stderr').read_text()[-4000:]}")


# ------------------------------------------------------------------------------------------ raw gRPC entities

def ident(kind: int, name: str) -> identifier_pb2.Identifier:
    return identifier_pb2.Identifier(resource_type=kind, project=PROJECT, domain=DOMAIN, name=name, version=VERSION)


def register_true_task(stub: admin_pb2_grpc.AdminServiceStub) -> identifier_pb2.Identifier:
    task_id = ident(identifier_pb2.TASK, "bench.true")
    template = tasks_pb2.TaskTemplate(id=task_id, type="container", interface=interface_pb2.TypedInterface(),
                                      container=tasks_pb2.Container(image="local", args=["/bin/true"]))
    stub.CreateTask(task_pb2.TaskCreateRequest(id=task_id, spec=task_pb2.TaskSpec(template=template)))
    return task_id


def register_workflow(stub, name: str, task_id, n: int, chained: bool) -> identifier_pb2.Identifier:
    """N nodes of the task, each after the previous one when `chained`, plus a launch plan of the same name."""
    nodes = [workflow_pb2.Node(id=f"n{i}", task_node=workflow_pb2.TaskNode(reference_id=task_id),
                               upstream_node_ids=[f"n{i - 1}"] if chained and i else [])
             for i in range(n)]
    wf_id = ident(identifier_pb2.WORKFLOW, name)
    template = workflow_pb2.WorkflowTemplate(id=wf_id, interface=interface_pb2.TypedInterface(), nodes=nodes)
    stub.CreateWorkflow(admin_workflow_pb2.WorkflowCreateRequest(
        id=wf_id, spec=admin_workflow_pb2.WorkflowSpec(template=template)), timeout=60)
    lp_id = ident(identifier_pb2.LAUNCH_PLAN, name)
    stub.CreateLaunchPlan(launch_plan_pb2.LaunchPlanCreateRequest(
        id=lp_id, spec=launch_plan_pb2.LaunchPlanSpec(workflow_id=wf_id)))  # max_parallelism unset: default 25
    return lp_id


def run_execution(stub, lp_id, name: str, timeout: float, inputs: literals_pb2.LiteralMap | None = None) -> dict:
    """CreateExecution, poll GetExecution every 20 ms until terminal (or timeout). Returns the figures."""
    exec_id = identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=name)
    stub.CreateExecution(execution_pb2.ExecutionCreateRequest(
        project=PROJECT, domain=DOMAIN, name=name, inputs=inputs or literals_pb2.LiteralMap(),
        spec=execution_pb2.ExecutionSpec(launch_plan=lp_id)))
    t0 = time.perf_counter()
    deadline = time.monotonic() + timeout
    while True:
        execution = stub.GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=exec_id))
        if execution.closure.phase in TERMINAL or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    c = execution.closure
    if c.phase not in TERMINAL:
        stub.TerminateExecution(execution_pb2.ExecutionTerminateRequest(id=exec_id, cause="benchmark timeout"))
    server = (c.updated_at.ToMilliseconds() - c.created_at.ToMilliseconds()) / 1000
    return {"id": exec_id, "phase": c.phase, "wall": wall, "server": server,
            "duration": c.duration.ToMilliseconds() / 1000, "error": c.error.message if c.HasField("error") else ""}


def node_stats(stub, exec_id) -> tuple[int, int]:
    """(succeeded task nodes, peak number of nodes running at once) from the node executions' closures."""
    nodes = stub.ListNodeExecutions(node_execution_pb2.NodeExecutionListRequest(
        workflow_execution_id=exec_id, limit=10000)).node_executions
    nodes = [n for n in nodes if n.id.node_id not in ("start-node", "end-node")]
    events = []
    for n in nodes:
        start = n.closure.started_at.ToMilliseconds()
        events += [(start, 1), (start + max(1, n.closure.duration.ToMilliseconds()), -1)]
    peak = running = 0
    for _, delta in sorted(events):
        running += delta
        peak = max(peak, running)
    return sum(n.closure.phase == core_execution_pb2.NodeExecution.SUCCEEDED for n in nodes), peak


# ------------------------------------------------------------------------------------------ baselines

def spawn_baseline(n: int) -> tuple[float, float]:
    """Seconds per /bin/true: (os.posix_spawn + waitpid, subprocess.run), each N times sequentially."""
    for _ in range(10):  # warm-up: page cache, allocator
        os.waitpid(os.posix_spawn("/bin/true", ["/bin/true"], os.environ), 0)
    t0 = time.perf_counter()
    for _ in range(n):
        os.waitpid(os.posix_spawn("/bin/true", ["/bin/true"], os.environ), 0)
    posix = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for _ in range(n):
        subprocess.run(["/bin/true"], check=True)
    return posix, (time.perf_counter() - t0) / n


def import_flytekit_time(runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import flytekit"], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# ------------------------------------------------------------------------------------------ flytekit

def register_runs(client_config: Path, env: dict) -> str:
    """`pyflyte register` of the `runs` package; the problem, if any."""
    res = subprocess.run(
        [str(VENV_BIN / "pyflyte"), "--config", str(client_config), "register", "--project", PROJECT,
         "--domain", DOMAIN, "--version", VERSION, "--destination-dir", ".", "runs"],
        cwd=FLYTEPROJ, env=env, capture_output=True, text=True, timeout=600)
    return "" if res.returncode == 0 else f"pyflyte register failed ({res.returncode}):\n{res.stdout}\n{res.stderr}"


def hello_world(client_config: Path, runs: int, pause: float, label: str):
    """Runs hello_wf `runs` times, `pause` seconds apart.
    Returns seconds (server, task attempt, client wall) per successful run, and the problems seen."""
    from flytekit.configuration import Config
    from flytekit.remote import FlyteRemote

    remote = FlyteRemote(Config.auto(config_file=str(client_config)), default_project=PROJECT, default_domain=DOMAIN)
    lp = remote.fetch_launch_plan(name="runs.workflows.hello_wf", version=VERSION)
    server, attempt, wall, problems = [], [], [], []
    for i in range(runs):
        time.sleep(pause)
        t0 = time.perf_counter()
        execution = remote.execute(lp, inputs={"name": "bench"}, execution_name=f"hello-{label}-{i}")
        execution = remote.wait(execution, timeout=timedelta(seconds=120), poll_interval=timedelta(milliseconds=50))
        wall.append(time.perf_counter() - t0)
        c = execution.closure
        if c.phase != Phase.SUCCEEDED:
            problems.append(f"hello-{label}-{i}: phase {Phase.Name(c.phase)}: {c.error.message if c.error else ''}")
            continue
        server.append((c.updated_at - c.created_at).total_seconds())
        nodes = remote.sync_execution(execution, sync_nodes=True).node_executions.values()
        attempt.append(sum(a.closure.duration.total_seconds() for n in nodes for a in n.task_executions))
    return server, attempt, wall, problems


# ------------------------------------------------------------------------------------------ report

def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def bench_graph(stub, task_id, title: str, n: int, chained: bool, timeout: float) -> None:
    """Registers and runs one N-node workflow, and prints its figures beside the spawn baselines."""
    posix, subproc = spawn_baseline(n)
    try:
        lp_id = register_workflow(stub, f"bench.{title}_{n}", task_id, n, chained)
        result = run_execution(stub, lp_id, f"{title}-{n}", timeout)
        succeeded, peak = node_stats(stub, result["id"])
    except grpc.RpcError as e:
        print(f"  {title} of {n} nodes: {e.code().name}: {e.details()}")
        return
    print(f"  {title} of {n} /bin/true nodes (max_parallelism default 25): phase {Phase.Name(result['phase'])}, "
          f"{succeeded}/{n} nodes succeeded, at most {peak} running at once")
    if result["phase"] not in TERMINAL:
        print(f"    NOT FINISHED after {timeout:.0f} s (terminated)")
    if result["error"]:
        print(f"    closure.error: {result['error']}")
    print(f"    wall (CreateExecution returned -> terminal seen, 20 ms poll): {ms(result['wall'])}")
    print(f"    server (created_at -> updated_at): {ms(result['server'])}   closure.duration: {ms(result['duration'])}")
    per_node = result["server"] / n
    overhead = (result["server"] - n * posix) / n
    print(f"    per node: total {per_node * 1000:6.2f} ms (target <= 2 ms), "
          f"engine overhead {overhead * 1000:6.2f} ms (target <= 1 ms)")
    print(f"    baseline: /bin/true x {n} from Python, posix_spawn+waitpid: {posix * 1000:6.2f} ms per spawn, "
          f"subprocess.run: {subproc * 1000:6.2f} ms per spawn")


def bench_hello_world(binary: Path, root: Path, client_config: Path, runs: int) -> None:
    """hello_wf on the running sandbox (a Python worker started ahead), then on one without workers."""
    env = client_env(root / "home", client_config)
    rows = []
    try:
        problem = register_runs(client_config, env)
        if not problem:
            rows.append(("Python worker waiting, runs 1 s apart", *hello_world(client_config, runs, 1.0, "spaced")))
            rows.append(("Python worker, back to back (the next one still importing)",
                         *hello_world(client_config, runs, 0.0, "back")))
        cold_root = root / "cold"
        proc, _, cold_config = start_sandbox(binary, cold_root, warm_python=0)
        try:
            problem = problem or register_runs(cold_config, client_env(cold_root / "home", cold_config))
            if not problem:
                rows.append(("baseline: tasks.warm_python 0 (each task its own interpreter)",
                             *hello_world(cold_config, runs, 1.0, "cold")))
        finally:
            stop_sandbox(proc, cold_root)
    except Exception as e:  # a client-side failure must not hide the figures measured so far
        problem = f"{type(e).__name__}: {e}"
    floor = import_flytekit_time(5)
    print(f"  flytekit runs.workflows.hello_wf, {runs} runs each: server time (created_at -> updated_at of "
          f"SUCCEEDED, target < 1500 ms), task attempt, client wall (execute + wait, 50 ms poll); medians")
    if problem:
        print(f"    {problem}")
    for title, server, attempt, wall, problems in rows:
        print(f"    {title}: {len(server)} succeeded")
        for p in problems:
            print(f"      {p}")
        if server:
            print(f"      server {ms(statistics.median(server))}   task attempt {ms(statistics.median(attempt))}"
                  f"   client wall {ms(statistics.median(wall))}")
    print(f"    baseline: {Path(sys.executable).name} -c 'import flytekit', median of 5:   {ms(floor)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "src" / "flyte")
    parser.add_argument("--chain", type=int, default=1000)
    parser.add_argument("--fanout", type=int, default=500)
    parser.add_argument("--hello-runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for each execution")
    args = parser.parse_args()
    binary = args.binary.resolve()
    for name in [k for k in os.environ if k.startswith(("FLYTE_", "FLYTECTL_", "_FLYTECTL"))]:
        del os.environ[name]  # FlyteRemote would prefer them to the config file

    with tempfile.TemporaryDirectory(prefix="flyte-engine-bench-") as tmp:
        root = Path(tmp)
        proc, port, client_config = start_sandbox(binary, root)
        try:
            print(f"flyte engine bench ({binary}, port {port})")
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = admin_pb2_grpc.AdminServiceStub(channel)
                task_id = register_true_task(stub)
                bench_graph(stub, task_id, "chain", args.chain, True, args.timeout)
                bench_graph(stub, task_id, "fan-out", args.fanout, False, args.timeout)
            bench_hello_world(binary, root, client_config, args.hello_runs)
        finally:
            stop_sandbox(proc, root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
