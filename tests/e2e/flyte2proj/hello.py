"""A Flyte 2 hello world: one TaskEnvironment with one task, which `flyte run` submits."""

import flyte

env = flyte.TaskEnvironment(name="hello_env")


@env.task
async def say_hello(name: str = "world") -> str:
    return f"hello {name}"
