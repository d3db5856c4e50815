"""Tasks that show how they were started: forked by the sandbox's zygote (parent process), with
module globals as a fresh interpreter has them, a map whose items leave a line per run, and tasks
using threads, child processes, a time limit or a fatal signal."""

import functools
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

from flytekit import map_task, task, workflow

SEEN: list[str] = []  # a module global each task appends to


@task
def mutate(tag: str) -> str:
    SEEN.append(tag)
    return f"{','.join(SEEN)}|{os.getppid()}|{os.getpid()}|{random.random()}"


@workflow
def globals_wf() -> tuple[str, str]:
    first = mutate(tag="a")
    second = mutate(tag="b")
    first >> second
    return first, second


@task
def marked_item(x: int, marker: str) -> int:
    with open(marker, "a") as out:
        out.write(f"start {x}\n")
    time.sleep(4)
    return x * 3


@workflow
def marked_map_wf(xs: list[int], marker: str) -> list[int]:
    return map_task(functools.partial(marked_item, marker=marker))(x=xs)


# For bench/python_bench.py: the cost of starting Python tasks (hello world is runs.workflows').
@task
def double(x: int) -> int:
    return x * 2


@workflow
def map_wf(xs: list[int]) -> list[int]:
    return map_task(double)(x=xs)


@workflow
def chain_wf(x: int = 0) -> int:
    for _ in range(50):
        x = double(x=x)  # each node after the previous one
    return x



# Tasks that use what a fresh interpreter gives them: threads, child processes, signals, limits.
def _square(x: int) -> int:
    return x * x


@task
def threaded(n: int) -> int:
    results: list[int] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        with lock:
            results.append(i * i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(results)


@task
def with_children(n: int) -> str:
    said = subprocess.run([sys.executable, "-c", "import sys; print(sys.argv[1])", "child"], capture_output=True,
                          text=True, check=True).stdout.strip()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        squares = pool.map(_square, range(n))
    return f"{said}|{sum(squares)}"


@workflow
def children_wf(n: int = 8) -> tuple[int, str]:
    return threaded(n=n), with_children(n=n)


@task(timeout=timedelta(seconds=1))
def overstays() -> int:
    time.sleep(60)
    return 0


@workflow
def overstays_wf() -> int:
    return overstays()


@task
def killed() -> int:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer ends a process
    return 0


@workflow
def killed_wf() -> int:
    return killed()
