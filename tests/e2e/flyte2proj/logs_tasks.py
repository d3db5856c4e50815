"""Flyte 2 tasks for the logs tests (test_flyte2_logs.py): `chatty` prints numbered lines, pausing
between them, so a follower sees them arrive while it runs; `reporting` writes a report."""

import asyncio

import flyte

env = flyte.TaskEnvironment(name="logs_env")


@env.task
async def chatty(lines: int, pause: float) -> int:
    for i in range(lines):
        print(f"chatty line {i} of {lines}", flush=True)
        await asyncio.sleep(pause)
    return lines


@env.task(report=True)
async def reporting(text: str) -> str:
    await flyte.report.log.aio(f"<p>{text}</p>", do_flush=True)
    return text
