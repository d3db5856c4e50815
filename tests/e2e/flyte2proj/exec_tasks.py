"""Flyte 2 tasks the executor tests run: each appends to a marker file the test names, so the test
can count how many times the task body ran."""

import time

import flyte

env = flyte.TaskEnvironment(name="exec_env")


@env.task(retries=2)
async def always_fails(marker: str) -> str:
    with open(marker, "a") as out:
        out.write("attempt\n")
    raise ValueError("always fails")


@env.task
async def slow_hello(marker: str, seconds: float) -> str:
    with open(marker, "a") as out:
        out.write("start\n")
    time.sleep(seconds)
    with open(marker, "a") as out:
        out.write("end\n")
    return f"slept {seconds}"
