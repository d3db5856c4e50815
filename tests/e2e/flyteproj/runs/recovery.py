"""Recovery: the last task fails until a marker file exists; recovering the failed execution
reuses the first task's outputs and runs only the rest."""

import os

from flytekit import task, workflow


@task
def increment(x: int) -> int:
    return x + 1


@task
def needs_marker(x: int, marker: str) -> int:
    if not os.path.exists(marker):
        raise ValueError(f"marker {marker} is missing")
    return x * 10


@workflow
def recover_wf(x: int, marker: str) -> int:
    return needs_marker(x=increment(x=x), marker=marker)
