"""Workflows of tests/e2e/test_console_exec.py: a task whose log grows while it runs (the
console's log viewer follows it), with resources and retries that its side panel shows; a
workflow with every kind of parent node for the Nodes tab's tree; one whose inputs and outputs
must be shown in their declared order."""

import time
import typing

from flytekit import LaunchPlan, Resources, dynamic, map_task, task, workflow


@task(retries=1, requests=Resources(cpu="1", mem="200Mi"), limits=Resources(mem="500Mi"))
def ticker(count: int, label: str) -> str:
    for i in range(count):
        print(f"{label} line {i}", flush=True)
        time.sleep(0.1)
    return f"{label} printed {count} lines"


@workflow
def ticker_wf(count: int, label: str) -> str:
    return ticker(count=count, label=label)


@task(cache=True, cache_version="1")
def cached_double(x: int) -> int:
    return 2 * x


@task
def maybe_fail(x: int) -> int:
    if x == 3:
        raise ValueError(f"item {x} fails on purpose")
    return x + 1


@workflow
def inner(x: int) -> int:
    return cached_double(x=x)


inner_lp = LaunchPlan.get_or_create(inner, name="runs.console.inner_lp")


@dynamic
def fan(n: int) -> typing.List[int]:
    return [cached_double(x=i) for i in range(n)]


@task
def list_of(n: int) -> typing.List[int]:
    return list(range(n))


@workflow
def tree_wf(x: int, n: int) -> typing.Tuple[int, int, typing.List[int], typing.List[typing.Optional[int]], int]:
    """Every kind of parent node the Nodes tab nests: a sub-workflow, a launch plan (a child
    execution), a dynamic node, a map task with a failing item, and a cached task."""
    return (
        inner(x=x),
        inner_lp(x=n),
        fan(n=n),
        map_task(maybe_fail, min_success_ratio=0.5)(x=list_of(n=n)),
        cached_double(x=x),
    )


Stats = typing.NamedTuple("Stats", [("total", int), ("count", int), ("mean", float)])


@task
def spread(x1: int, x2: int, x10: int) -> typing.Tuple[int, int, int, int, int, int, int, int, int, int, int]:
    """Eleven outputs, o0 to o10: o10 must come after o2."""
    return tuple(x1 + x2 + x10 + i for i in range(11))


@task
def summarize(first: int, last: int) -> Stats:
    return Stats(total=first + last, count=2, mean=(first + last) / 2)


@workflow
def order_wf(x1: int, x2: int, x10: int) -> Stats:
    """Inputs and outputs whose declared order is neither alphabetical nor the gateway's."""
    parts = spread(x1=x1, x2=x2, x10=x10)
    return summarize(first=parts[0], last=parts[10])
