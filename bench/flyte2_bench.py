#!/usr/bin/env python3
"""Flyte 2 benchmarks with the real `flyte` CLI (.venv-flyte2), beside Flyte 1 in the same run and
on the same sandbox (tasks.flyte2_path: .venv-flyte2/bin; Flyte 1 tasks with their default zygote):
(a) `flyte run hello.py say_hello` x N back to back (tests/e2e/flyte2proj): client wall time from
    the CLI's start to SUCCEEDED seen (GetRunDetails polled every 20 ms) and server time (the run's
    start to end), beside `runs.workflows.hello_wf` through FlyteRemote (tests/e2e/flyteproj).
(b) a parent that gathers 100 trivial children it enqueues (fanout.py total --n 100): wall time
    from the CLI's start to SUCCEEDED, and per child; beside it, what one child cannot go below:
    a Python interpreter importing `flyte` (median of 5), times 100, divided by the CPUs.

Not a test: no pass/fail. Run: .venv/bin/python bench/flyte2_bench.py [--binary build/src/flyte]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engine_bench
from engine_bench import REPO, client_env, hello_world, register_runs, start_sandbox, stop_sandbox

PROJECT, DOMAIN = "flytesnacks", "development"
FLYTE2_BIN = REPO / ".venv-flyte2" / "bin"
FLYTE2PROJ = REPO / "tests" / "e2e" / "flyte2proj"
TERMINAL = {"ACTION_PHASE_SUCCEEDED", "ACTION_PHASE_FAILED", "ACTION_PHASE_ABORTED", "ACTION_PHASE_TIMED_OUT"}


def stamp(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def run_v2(port: int, client_config: Path, env: dict, project: Path, name: str, *args: str,
           timeout: float = 600) -> tuple[float, float, str]:
    """`flyte run --name <name> ...`, then GetRunDetails until terminal: wall, server seconds, phase."""
    started = time.perf_counter()
    created = subprocess.run([str(FLYTE2_BIN / "flyte"), "-c", str(client_config), "run", "-p", PROJECT, "-d",
                              DOMAIN, "--name", name, *args], cwd=project, env=env, capture_output=True, text=True,
                             timeout=timeout, check=False)
    if created.returncode != 0:
        raise RuntimeError(f"flyte run failed:\n{created.stdout}\n{created.stderr}")
    deadline = time.monotonic() + timeout
    while True:
        reply = requests.post(f"http://127.0.0.1:{port}/flyteidl2.workflow.RunService/GetRunDetails",
                              json={"runId": {"project": PROJECT, "domain": DOMAIN, "name": name}}, timeout=10)
        status = reply.json()["details"]["action"]["status"]
        if status["phase"] in TERMINAL:
            wall = time.perf_counter() - started
            return wall, stamp(status["endTime"]) - stamp(status["startTime"]), status["phase"]
        if time.monotonic() > deadline:
            raise RuntimeError(f"run {name} is still {status['phase']}")
        time.sleep(0.02)


def import_flyte_time(runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(FLYTE2_BIN / "python"), "-c", "import flyte"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "src" / "flyte")
    parser.add_argument("--hello-runs", type=int, default=5)
    parser.add_argument("--children", type=int, default=100)
    args = parser.parse_args()
    for name in [k for k in os.environ if k.startswith(("FLYTE_", "FLYTECTL_"))]:
        del os.environ[name]  # FlyteRemote would prefer them to the config file
    with tempfile.TemporaryDirectory(prefix="flyte2-bench-") as tmp:
        root = Path(tmp)
        proc, port, client_config = start_sandbox(args.binary, root, more_tasks_config=f"  flyte2_path: [{FLYTE2_BIN}]\n")
        try:
            client_config.write_text(client_config.read_text() + f"task:\n  project: {PROJECT}\n  domain: {DOMAIN}\n")
            env = client_env(root / "home", client_config)
            project = root / "flyte2proj"
            shutil.copytree(FLYTE2PROJ, project)
            v2 = [run_v2(port, client_config, env, project, f"hello-{i}", "hello.py", "say_hello", "--name", "bench")
                  for i in range(args.hello_runs)]
            problem = register_runs(client_config, env)
            if problem:
                raise RuntimeError(problem)
            v1_server, _, v1_wall, problems = hello_world(client_config, args.hello_runs, 0, "v1")
            fan = run_v2(port, client_config, env, project, "fanout", "fanout.py", "total", "--n", str(args.children))
        finally:
            stop_sandbox(proc, root)
    floor = import_flyte_time(5)
    print(f"Flyte 2 on the sandbox, {os.cpu_count()} CPUs; Flyte 2 (flyte CLI) | Flyte 1 (FlyteRemote), same sandbox")
    print(f"  (a) hello world x{args.hello_runs}, median client wall (submit -> SUCCEEDED seen): "
          f"{statistics.median(w for w, _, _ in v2) * 1000:7.0f} ms {sorted({p for _, _, p in v2})} | "
          f"{statistics.median(v1_wall) * 1000:7.0f} ms {problems or ''}")
    print(f"  (a) hello world x{args.hello_runs}, median server time (run start -> end): "
          f"{statistics.median(s for _, s, _ in v2) * 1000:7.0f} ms | {statistics.median(v1_server) * 1000:7.0f} ms")
    wall, server, phase = fan
    cpus = os.cpu_count() or 1
    print(f"  (b) parent gathering {args.children} children: wall {wall:6.1f} s ({phase}), server {server:6.1f} s, "
          f"{wall / args.children * 1000:6.0f} ms per child | floor: `import flyte` {floor * 1000:.0f} ms x "
          f"{args.children} / {cpus} CPUs = {floor * args.children / cpus:5.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
