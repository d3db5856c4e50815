"""Flyte 2 tasks `flyte deploy` stores (test_flyte2_tasks.py), then run by reference."""

import flyte

env = flyte.TaskEnvironment(name="deployed_env", description="tasks deployed, then run by reference")


@env.task
async def greet(name: str = "world") -> str:
    """Greets by name."""
    return f"greetings {name}"


@env.task
async def add(x: int, y: int) -> int:
    return x + y
