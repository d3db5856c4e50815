"""Flyte 2 tasks for the lifecycle tests: children that sleep until they end or are aborted, a child
that fails once and is retried, a traced function, a cached child. Each body appends a line to a
marker file the test names, so the test counts how many times it ran. The container tests
(test_flyte2_containers.py) name the tasks' image in FLYTE2_E2E_IMAGE when they run `flyte run`;
the tasks get it too, so a parent running in that image enqueues its children with the same one."""

import asyncio
import os
import time

import flyte

IMAGE = os.environ.get("FLYTE2_E2E_IMAGE", "auto")
env = flyte.TaskEnvironment(name="lifecycle_env", image=IMAGE, env_vars={"FLYTE2_E2E_IMAGE": IMAGE})


def note(marker: str, line: str) -> None:
    with open(marker, "a") as out:
        out.write(line + "\n")


@env.task
async def sleeper(marker: str, i: int, seconds: float) -> int:
    note(marker, f"start {i}")
    time.sleep(seconds)
    note(marker, f"end {i}")
    return i


@env.task
async def sleepers(marker: str, n: int, seconds: float) -> int:
    return sum(await asyncio.gather(*(sleeper(marker, i, seconds) for i in range(n))))


@env.task(retries=1)
async def flaky(marker: str) -> str:
    note(marker, "attempt")
    with open(marker) as lines:
        if lines.read().count("attempt") == 1:
            raise RuntimeError("the first attempt fails")
    return "the second attempt succeeded"


@env.task
async def calls_flaky(marker: str) -> str:
    return await flaky(marker)


@flyte.trace
async def double(x: int) -> int:
    return 2 * x


@env.task
async def traced(n: int) -> int:
    total = 0
    for i in range(n):
        total += await double(i)
    return total


@env.task(cache="auto")
async def cached_square(marker: str, x: int) -> int:
    note(marker, f"square {x}")
    return x * x


@env.task
async def squares_twice(marker: str, x: int) -> int:
    first = await cached_square(marker, x)
    second = await cached_square(marker, x)
    return first + second


def where() -> str:
    import only_in_image  # exists only in the container tests' image: where the task ran

    return only_in_image.WHERE


@env.task
async def child_place(i: int) -> str:
    return f"child {i} {where()}"


@env.task
async def places(n: int) -> list[str]:
    return [f"parent {where()}", *await asyncio.gather(*(child_place(i) for i in range(n)))]
