"""Children enqueued at run time by their parent's own process, as Flyte 2 users write them: a
parent that gathers its children, and one level more, a parent of such parents."""

import asyncio

import flyte

env = flyte.TaskEnvironment(name="fanout_env")


@env.task
async def square(x: int) -> int:
    return x * x


@env.task
async def total(n: int = 3) -> int:
    return sum(await asyncio.gather(*(square(i) for i in range(n))))


@env.task
async def nested(n: int = 2) -> int:
    return sum(await asyncio.gather(*(total(k) for k in range(1, n + 1))))
