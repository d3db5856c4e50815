#!/usr/bin/env python3
"""Container plugin benchmarks, each beside the container engine doing the same work alone, in the
same run (Debian's podman with runc; its own `podman system service` on a temporary socket):
(a) a raw ContainerTask (busybox image, `true`: incontainer.tasks.nothing) back to back x10: median client wall time
    (CreateExecution -> SUCCEEDED seen) and server time (closure created_at -> updated_at), beside
    `podman run --rm` of the same image and command x10 (median): our overhead on top of the engine's.
(b) a map_task of a trivial Python function over 20 items in the Python test image
    (tests/e2e/flyteproj/incontainer doubles_wf, one container per item, no concurrency limit):
    wall time, beside 20 sequential `podman run --rm` of the same image starting the same
    interpreter and importing flytekit's entry point (what each item's container does first).

Images: scripts/build-test-image.sh and scripts/build-python-image.sh (built once, cached).
Not a test: no pass/fail. Run: .venv/bin/python bench/container_bench.py [--binary build/src/flyte]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine_bench import (
    FLYTEPROJ,
    REPO,
    VENV_BIN,
    client_env,
    start_sandbox,
    stop_sandbox,
)

PROJECT, DOMAIN, VERSION = "flytesnacks", "development", "container-bench-v1"


def build(script: str) -> str:
    return subprocess.run([str(REPO / "scripts" / script)], check=True, capture_output=True, text=True,
                          timeout=900).stdout.strip()


def start_engine(root: Path) -> tuple[subprocess.Popen, Path]:
    socket = root / "podman.sock"
    service = subprocess.Popen(["podman", "system", "service", "--time=0", f"unix://{socket}"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not socket.exists():
        if time.monotonic() > deadline:
            service.kill()
            raise RuntimeError("podman system service did not create its socket")
        time.sleep(0.05)
    return service, socket


def podman_runs(args: list[str], times: int) -> list[float]:
    seconds = []
    for _ in range(times):
        t0 = time.perf_counter()
        subprocess.run(["podman", "run", "--rm", *args], check=True, capture_output=True, timeout=300)
        seconds.append(time.perf_counter() - t0)
    return seconds


def container_task(remote, runs: int) -> tuple[list[float], list[float]]:
    from flytekit.models.core.execution import WorkflowExecutionPhase as Phase

    entity = remote.fetch_task(name="incontainer.tasks.nothing", version=VERSION)
    wall, server = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        execution = remote.execute(entity, inputs={})
        execution = remote.wait(execution, timeout=timedelta(seconds=300), poll_interval=timedelta(milliseconds=50))
        wall.append(time.perf_counter() - t0)
        closure = execution.closure
        if closure.phase != Phase.SUCCEEDED:
            raise RuntimeError(f"container task {closure.phase}: {closure.error}")
        server.append((closure.updated_at - closure.created_at).total_seconds())
    return wall, server


def container_map(remote, items: int) -> float:
    from flytekit.models.core.execution import WorkflowExecutionPhase as Phase

    lp = remote.fetch_launch_plan(name="incontainer.tasks.doubles_wf", version=VERSION)
    t0 = time.perf_counter()
    execution = remote.execute(lp, inputs={"xs": list(range(items))})
    execution = remote.wait(execution, timeout=timedelta(seconds=900), poll_interval=timedelta(milliseconds=50))
    seconds = time.perf_counter() - t0
    if execution.closure.phase != Phase.SUCCEEDED:
        raise RuntimeError(f"map {execution.closure.phase}: {execution.closure.error}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", type=Path, default=REPO / "build" / "src" / "flyte")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--items", type=int, default=20)
    args = parser.parse_args()
    for name in [k for k in os.environ if k.startswith(("FLYTE_", "FLYTECTL_"))]:
        del os.environ[name]  # FlyteRemote would prefer them to the config file
    from flytekit.configuration import Config
    from flytekit.remote import FlyteRemote

    t0 = time.perf_counter()
    busybox, python = build("build-test-image.sh"), build("build-python-image.sh")
    print(f"images ready in {time.perf_counter() - t0:.1f} s: {busybox}, {python}")
    with tempfile.TemporaryDirectory(prefix="container-bench-") as tmp:
        root = Path(tmp)
        service, socket = start_engine(root)
        proc = None
        try:
            proc, _, client_config = start_sandbox(
                args.binary.resolve(), root,
                more_tasks_config=f"  plugins:\n    python-task: container\n  containers:\n    socket: unix://{socket}\n")
            env = client_env(root / "home", client_config)
            res = subprocess.run(
                [str(VENV_BIN / "pyflyte"), "--config", str(client_config), "register", "--project", PROJECT,
                 "--domain", DOMAIN, "--version", VERSION, "--image", python, "--destination-dir", ".", "incontainer"],
                check=False, cwd=FLYTEPROJ, env={**env, "FLYTE_E2E_BUSYBOX_IMAGE": busybox}, capture_output=True,
                text=True, timeout=600)
            if res.returncode != 0:
                raise RuntimeError(f"pyflyte register failed:\n{res.stdout}\n{res.stderr}")
            remote = FlyteRemote(Config.auto(config_file=str(client_config)), default_project=PROJECT,
                                 default_domain=DOMAIN)

            wall, server = container_task(remote, args.runs)
            alone = podman_runs([busybox, "true"], args.runs)
            print(f"(a) container task x{args.runs}: median wall {statistics.median(wall) * 1000:.0f} ms, "
                  f"server {statistics.median(server) * 1000:.0f} ms; podman run --rm alone: median "
                  f"{statistics.median(alone) * 1000:.0f} ms")

            mapped = container_map(remote, args.items)
            sequential = sum(podman_runs([python, "python3", "-c", "import flytekit.bin.entrypoint"], args.items))
            print(f"(b) {args.items}-item container map: {mapped:.1f} s; {args.items} sequential podman run --rm "
                  f"(python importing flytekit's entry point): {sequential:.1f} s")
        finally:
            if proc is not None:
                stop_sandbox(proc, root)
            service.terminate()
            service.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
