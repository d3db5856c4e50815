"""Workflows the execution tests run on the sandbox's engine (local processes)."""

import os
import time
import typing
from datetime import timedelta

from flytekit import conditional, task, workflow
from flytekit.exceptions.user import FlyteRecoverableException


@task
def hello(name: str) -> str:
    return f"hello {name}"


@workflow
def hello_wf(name: str = "world") -> str:
    return hello(name=name)


@task
def interpreter() -> typing.Tuple[float, str]:
    """When the Python interpreter that imported flytekit for this task started (seconds since the
    epoch): its zygote's when the sandbox forked it from one, else its own; and $RUN_LABEL."""
    process = "self"
    with open(f"/proc/{os.getppid()}/cmdline", "rb") as parent:
        if b"flyte_python_worker.py" in parent.read():
            process = str(os.getppid())
    with open(f"/proc/{process}/stat") as stat:
        start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])  # field 22, starttime
    with open("/proc/uptime") as uptime:
        booted = time.time() - float(uptime.read().split()[0])
    return booted + start_ticks / os.sysconf("SC_CLK_TCK"), os.environ.get("RUN_LABEL", "")


@workflow
def interpreter_wf() -> typing.Tuple[float, str]:
    return interpreter()


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def square(x: int) -> int:
    return x * x


@workflow
def chain_wf(x: int) -> int:
    return square(x=add(a=x, b=1))


@task
def total(values: typing.List[int]) -> int:
    return sum(values)


@workflow
def fanout_wf(x: int) -> int:
    a = add(a=x, b=1)
    b = add(a=x, b=2)
    c = add(a=x, b=3)
    return total(values=[a, b, c])


@workflow
def inner_wf(x: int) -> int:
    return square(x=x)


@workflow
def parent_wf(x: int) -> int:
    return add(a=inner_wf(x=x), b=1)


@workflow
def branch_wf(x: int) -> int:
    return conditional("big").if_(x > 5).then(square(x=x)).else_().then(add(a=x, b=100))


@workflow
def branch_fail_wf(x: int) -> int:
    return conditional("big").if_(x > 5).then(square(x=x)).else_().fail("x is too small")


@task
def boom(x: int) -> int:
    if x >= 0:
        raise ValueError(f"boom with {x}")
    return x


@workflow
def boom_wf(x: int) -> int:
    return boom(x=x)


@task(retries=2)
def flaky(word: str) -> str:
    attempt = os.environ.get("FLYTE_ATTEMPT_NUMBER", "0")
    if attempt == "0":
        raise FlyteRecoverableException("the first attempt always fails")
    return f"{word} on attempt {attempt}"


@workflow
def flaky_wf(word: str) -> str:
    return flaky(word=word)


@task(timeout=timedelta(seconds=2))
def too_slow(seconds: int) -> int:
    time.sleep(seconds)
    return seconds


@workflow
def timeout_wf(seconds: int) -> int:
    return too_slow(seconds=seconds)


@task
def sleepy(seconds: int) -> int:
    time.sleep(seconds)
    return seconds


@workflow
def long_wf(seconds: int) -> int:
    return sleepy(seconds=seconds)


@task(enable_deck=True)
def decked(x: int) -> int:
    return x * x


@workflow
def deck_wf(x: int) -> int:
    return decked(x=x)
