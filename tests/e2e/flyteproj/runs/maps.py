"""Map tasks (array nodes) and cached tasks."""

import functools
import os
import time
import typing

from flytekit import map_task, task, workflow


@task
def double(x: int) -> int:
    return x * 2


@workflow
def map_wf(xs: typing.List[int]) -> typing.List[int]:
    return map_task(double)(x=xs)


@task
def nap_item(x: int) -> int:
    time.sleep(1)
    return x


@workflow
def map_concurrency_wf(xs: typing.List[int]) -> typing.List[int]:
    return map_task(nap_item, concurrency=5)(x=xs)


@task
def fragile(x: int) -> int:
    if x % 5 == 3:
        raise ValueError(f"item {x} fails")
    return x


@workflow
def map_tolerant_wf(xs: typing.List[int]) -> typing.List[typing.Optional[int]]:
    return map_task(fragile, min_success_ratio=0.8)(x=xs)


@task
def offset(x: int, by: int) -> str:
    return f"{x + by}@{os.environ['FLYTE_K8S_ARRAY_INDEX']}"


@workflow
def map_bound_wf(xs: typing.List[int]) -> typing.List[str]:
    return map_task(functools.partial(offset, by=10))(x=xs)


@task(cache=True, cache_version="1")
def cached_square(x: int) -> int:
    return x * x


@workflow
def cached_wf(x: int) -> int:
    return cached_square(x=x)


@task(cache=True, cache_version="1", cache_serialize=True)
def slow_cached(x: int) -> int:
    time.sleep(3)
    return x + 1


@workflow
def serialized_wf(x: int) -> int:
    return slow_cached(x=x)
