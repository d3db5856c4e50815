"""Tasks that show how they were started: forked by the sandbox's zygote (parent process), with
module globals as a fresh interpreter has them, and a map whose items leave a line per run."""

import functools
import os
import random
import time

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

