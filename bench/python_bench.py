#!/usr/bin/env python3
"""Python task start-up benchmarks: tasks forked by zygotes (tasks.warm_python 2, the default)
beside each task starting its own interpreter (tasks.warm_python 0), in the same run.

Workflows of tests/e2e/flyteproj/forked and runs (registered with `pyflyte register`, fast
registration), run through FlyteRemote:
(a) map_wf: a map_task of a trivial function over 100 items; wall time CreateExecution -> SUCCEEDED.
(b) runs.workflows.hello_wf back to back x10: median server time (closure created_at -> updated_at).
(c) chain_wf: 50 Python task nodes one after the other; server time per node.
(d) RSS (and PSS, which counts pages a fork shares once) of the sandbox plus its zygotes and the
    child each keeps forked ahead of a job, idle (before (a)) and at the peak of (a) (sampled every
    50 ms; the tasks themselves not counted).

Not a test: no pass/fail. Run: .venv/bin/python bench/python_bench.py [--binary build/src/flyte]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engine_bench
from engine_bench import (
    FLYTEPROJ,
    VENV_BIN,
    client_env,
    register_runs,
    start_sandbox,
    stop_sandbox,
)

PROJECT, DOMAIN, VERSION = "flytesnacks", "development", "python-bench-v1"
ZYGOTE = "flyte_python_worker.py"


def register(client_config: Path, env: dict) -> None:
    res = subprocess.run(
        [str(VENV_BIN / "pyflyte"), "--config", str(client_config), "register", "--project", PROJECT, "--domain",
         DOMAIN, "--version", VERSION, "--destination-dir", ".", "forked"],
        check=False, cwd=FLYTEPROJ, env=env, capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        raise RuntimeError(f"pyflyte register failed:\n{res.stdout}\n{res.stderr}")


def memory(pid: int) -> tuple[int, int]:
    """RSS and PSS in KiB of one process (0, 0 when it is gone)."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def processes() -> list[tuple[int, int, int, str]]:
    """(pid, parent, process group, command line) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            found.append((int(entry.name), int(fields[1]), int(fields[2]), (entry / "cmdline").read_text()))
        except (OSError, ValueError):
            continue
    return found


def zygotes(sandbox: int) -> tuple[list[int], list[int]]:
    """The sandbox's zygotes, and the children each keeps forked ahead of a job (still in the
    zygote's process group; a task makes its own)."""
    table = processes()
    found = [pid for pid, parent, _, cmdline in table if parent == sandbox and ZYGOTE in cmdline]
    waiting = [pid for pid, parent, group, _ in table if parent in found and group == parent]
    return found, waiting


def footprint(sandbox: int) -> tuple[int, int, int]:
    """Sandbox plus zygotes and their waiting children: RSS, PSS (KiB) and how many zygotes."""
    found, waiting = zygotes(sandbox)
    sizes = [memory(pid) for pid in [sandbox, *found, *waiting]]
    return sum(r for r, _ in sizes), sum(p for _, p in sizes), len(found)


class PeakSampler(threading.Thread):
    def __init__(self, sandbox: int):
        super().__init__(daemon=True)
        self.sandbox, self.peak, self.stop = sandbox, (0, 0, 0), threading.Event()

    def run(self):
        while not self.stop.is_set():
            now = footprint(self.sandbox)
            self.peak = max(self.peak, now)
            time.sleep(0.05)


def execute(remote, workflow: str, execution_name: str, timeout: float = 600, **inputs):
    name, version = (workflow, engine_bench.VERSION) if "." in workflow else (f"forked.tasks.{workflow}", VERSION)
    lp = remote.fetch_launch_plan(name=name, version=version)
    started = time.perf_counter()
    execution = remote.execute(lp, inputs=inputs, execution_name=execution_name)
    execution = remote.wait(execution, timeout=timedelta(seconds=timeout), poll_interval=timedelta(milliseconds=20))
    wall = time.perf_counter() - started
    closure = execution.closure
    server = (closure.updated_at - closure.created_at).total_seconds()
    phase = "SUCCEEDED" if closure.phase == 4 else f"phase {closure.phase}: {closure.error}"
    return wall, server, phase


def bench(binary: Path, root: Path, warm_python: int, hello_runs: int) -> dict:
    from flytekit.configuration import Config
    from flytekit.remote import FlyteRemote

    proc, _, client_config = start_sandbox(binary, root, warm_python=warm_python)
    figures = {}
    try:
        env = client_env(root / "home", client_config)
        register(client_config, env)
        problem = register_runs(client_config, env)  # hello world is engine_bench's
        if problem:
            raise RuntimeError(problem)
        remote = FlyteRemote(Config.auto(config_file=str(client_config)), default_project=PROJECT,
                             default_domain=DOMAIN)
        time.sleep(3)  # a zygote started with the sandbox has finished importing
        figures["idle"] = footprint(proc.pid)
        sampler = PeakSampler(proc.pid)
        sampler.start()
        figures["map"] = execute(remote, "map_wf", f"map-{warm_python}", xs=list(range(100)))
        sampler.stop.set()
        sampler.join()
        figures["peak"] = sampler.peak
        hello = [execute(remote, "runs.workflows.hello_wf", f"hello-{warm_python}-{i}", name="bench") for i in range(hello_runs)]
        figures["hello"] = (statistics.median(s for _, s, _ in hello), {p for _, _, p in hello})
        figures["chain"] = execute(remote, "chain_wf", f"chain-{warm_python}")
    finally:
        stop_sandbox(proc, root)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=Path(__file__).resolve().parents[1] / "build" / "src" / "flyte")
    parser.add_argument("--hello-runs", type=int, default=10)
    args = parser.parse_args()
    for name in [k for k in os.environ if k.startswith(("FLYTE_", "FLYTECTL_"))]:
        del os.environ[name]  # FlyteRemote would prefer them to the config file
    with tempfile.TemporaryDirectory(prefix="python-bench-") as tmp:
        results = {warm: bench(args.binary, Path(tmp) / f"warm{warm}", warm, args.hello_runs) for warm in (2, 0)}
    print(f"Python task start-up, {os.cpu_count()} CPUs; zygotes (tasks.warm_python 2) | baseline warm_python 0")
    zyg, cold = results[2], results[0]
    print(f"  (a) map_task over 100 items, wall CreateExecution -> SUCCEEDED (target < 3 s): "
          f"{zyg['map'][0]:7.2f} s ({zyg['map'][2]}) | {cold['map'][0]:7.2f} s ({cold['map'][2]})")
    print(f"  (b) hello world x{args.hello_runs} back to back, median server time (target < 100 ms): "
          f"{zyg['hello'][0] * 1000:7.0f} ms {sorted(zyg['hello'][1])} | {cold['hello'][0] * 1000:7.0f} ms")
    print(f"  (c) 50-node chain of Python tasks, server time per node (target < 50 ms): "
          f"{zyg['chain'][1] * 20:7.1f} ms ({zyg['chain'][2]}) | {cold['chain'][1] * 20:7.1f} ms ({cold['chain'][2]})")
    for label, key in (("idle", "idle"), ("peak of (a)", "peak")):
        for name, run in (("zygotes", zyg), ("baseline", cold)):
            rss, pss, count = run[key]
            print(f"  (d) sandbox + {count} zygotes, {label}, {name}: RSS {rss / 1024:6.0f} MiB, PSS {pss / 1024:6.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
