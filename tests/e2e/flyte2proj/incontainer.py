"""Flyte 2 tasks for the container tests (test_flyte2_containers.py). Their image is the one the
test names in FLYTE2_E2E_IMAGE when it runs `flyte run`; the tasks get it too, so a parent
running in that image enqueues its children with the same one. `only_in_image` exists only in
the test image: importing it proves where a task ran."""

import asyncio
import os
import time

import flyte

IMAGE = os.environ.get("FLYTE2_E2E_IMAGE", "auto")
env = flyte.TaskEnvironment(name="incontainer_env", image=IMAGE, env_vars={"FLYTE2_E2E_IMAGE": IMAGE})


def where() -> str:
    import only_in_image

    return only_in_image.WHERE


@env.task
async def child_place(i: int) -> str:
    return f"child {i} {where()}"


@env.task
async def places(n: int = 3) -> list[str]:
    return [f"parent {where()}", *await asyncio.gather(*(child_place(i) for i in range(n)))]


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
