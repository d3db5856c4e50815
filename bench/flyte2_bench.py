#!/usr/bin/env python3
"""Flyte 2 benchmarks with the real `flyte` CLI (.venv-flyte2), beside Flyte 1 in the same run and
on the same sandbox (tasks.flyte2_path: .venv-flyte2/bin; Flyte 1 tasks with their default zygote):
(a) `flyte run hello.py say_hello` x N back to back (tests/e2e/flyte2proj): client wall time from
    the CLI's start to SUCCEEDED seen (GetRunDetails polled every 20 ms) and server time (the run's
    start to end), beside `runs.workflows.hello_wf` through FlyteRemote (tests/e2e/flyteproj).
(b) a parent that gathers 100 trivial children it enqueues (fanout.py total --n 100): wall time
    from the CLI's start to SUCCEEDED, and per child; beside it, what one child cannot go below:
    a Python interpreter importing `flyte` (median of 5), times 100, divided by the CPUs.

Each beside the same with `tasks.warm_python: 0` (every action in an interpreter of its own), on
a second sandbox in the same run. Not a test: no pass/fail.
Run: .venv/bin/python bench/flyte2_bench.py [--binary build/src/flyte]
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


def measure(binary: Path, warm_python: int, hello_runs: int, children: int, with_flyte1: bool) -> dict:
    """One sandbox with `tasks.warm_python: <warm_python>`: Flyte 2's hello x N and fan-out, and
    (with_flyte1) Flyte 1's hello world beside them."""
    with tempfile.TemporaryDirectory(prefix="flyte2-bench-") as tmp:
        root = Path(tmp)
        proc, port, client_config = start_sandbox(binary, root, warm_python,
                                                  more_tasks_config=f"  flyte2_path: [{FLYTE2_BIN}]\n")
        try:
            client_config.write_text(client_config.read_text() + f"task:\n  project: {PROJECT}\n  domain: {DOMAIN}\n")
            env = client_env(root / "home", client_config)
            project = root / "flyte2proj"
            shutil.copytree(FLYTE2PROJ, project)
            result = {"hello": [run_v2(port, client_config, env, project, f"hello-{i}", "hello.py", "say_hello",
                                       "--name", "bench") for i in range(hello_runs)]}
            if with_flyte1:
                problem = register_runs(client_config, env)
                if problem:
                    raise RuntimeError(problem)
                v1_server, _, v1_wall, problems = hello_world(client_config, hello_runs, 0, "v1")
                result["v1"] = (v1_server, v1_wall, problems)
            result["fan"] = run_v2(port, client_config, env, project, "fanout", "fanout.py", "total", "--n",
                                   str(children))
            return result
        finally:
            stop_sandbox(proc, root)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "src" / "flyte")
    parser.add_argument("--hello-runs", type=int, default=5)
    parser.add_argument("--children", type=int, default=100)
    args = parser.parse_args()
    for name in [k for k in os.environ if k.startswith(("FLYTE_", "FLYTECTL_"))]:
        del os.environ[name]  # FlyteRemote would prefer them to the config file
    warm = measure(args.binary, 2, args.hello_runs, args.children, with_flyte1=True)
    cold = measure(args.binary, 0, args.hello_runs, args.children, with_flyte1=False)
    floor = import_flyte_time(5)
    cpus = os.cpu_count() or 1
    print(f"Flyte 2 on the sandbox, {cpus} CPUs: actions forked from a zygote (warm_python: 2) | "
          f"each in its own interpreter (warm_python: 0) | Flyte 1 (FlyteRemote, zygote)")
    v1_server, v1_wall, problems = warm["v1"]

    def hello(result: dict, index: int) -> str:
        runs = result["hello"]
        return f"{statistics.median(run[index] for run in runs) * 1000:7.0f} ms {sorted({p for _, _, p in runs})}"

    print(f"  (a) hello world x{args.hello_runs}, median client wall (submit -> SUCCEEDED seen): "
          f"{hello(warm, 0)} | {hello(cold, 0)} | {statistics.median(v1_wall) * 1000:7.0f} ms {problems or ''}")
    print(f"  (a) hello world x{args.hello_runs}, median server time (run start -> end): "
          f"{hello(warm, 1)} | {hello(cold, 1)} | {statistics.median(v1_server) * 1000:7.0f} ms")

    def fan(result: dict) -> str:
        wall, server, phase = result["fan"]
        return f"wall {wall:6.1f} s ({phase}), server {server:6.1f} s, {wall / args.children * 1000:5.0f} ms per child"

    print(f"  (b) parent gathering {args.children} children: {fan(warm)} | {fan(cold)}")
    print(f"      floor of a fresh interpreter per child: `import flyte` {floor * 1000:.0f} ms x {args.children} / "
          f"{cpus} CPUs = {floor * args.children / cpus:5.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
