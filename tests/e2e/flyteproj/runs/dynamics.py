"""Dynamic workflows: tasks whose bodies build, at run time, the workflow the engine runs next."""

import time
import typing

from flytekit import LaunchPlan, dynamic, task, workflow


@task
def cube(x: int) -> int:
    return x * x * x


@dynamic
def cubes(n: int) -> typing.List[int]:
    return [cube(x=i) for i in range(n)]


@workflow
def cubes_wf(n: int) -> typing.List[int]:
    return cubes(n=n)


@task
def sum_all(values: typing.List[int]) -> int:
    return sum(values)


@dynamic
def sums_of_cubes(n: int) -> typing.List[int]:
    # Each element runs a dynamic task of its own: dynamic workflows inside a dynamic workflow.
    return [sum_all(values=cubes(n=i)) for i in range(1, n + 1)]


@workflow
def nested_dynamic_wf(n: int) -> typing.List[int]:
    return sums_of_cubes(n=n)


@task
def slow_cube(x: int) -> int:
    time.sleep(4)
    return x * x * x


@dynamic
def slow_cubes(n: int) -> typing.List[int]:
    return [slow_cube(x=i) for i in range(n)]


@workflow
def slow_cubes_wf(n: int) -> typing.List[int]:
    return slow_cubes(n=n)


@workflow
def cube_wf(x: int) -> int:
    return cube(x=x)


cube_lp = LaunchPlan.get_or_create(cube_wf, name="runs.dynamics.cube_lp")


@dynamic
def cubes_by_launch_plan(n: int) -> typing.List[int]:
    # Launch plans are not embedded in the dynamic job spec: the engine finds them registered.
    return [cube_lp(x=i) for i in range(n)]


@workflow
def dynamic_launch_plans_wf(n: int) -> typing.List[int]:
    return cubes_by_launch_plan(n=n)


@workflow
def slow_cube_wf(x: int) -> int:
    return slow_cube(x=x)


slow_cube_lp = LaunchPlan.get_or_create(slow_cube_wf, name="runs.dynamics.slow_cube_lp")


@dynamic
def slow_cubes_by_launch_plan(n: int) -> typing.List[int]:
    return [slow_cube_lp(x=i) for i in range(n)]


@workflow
def slow_dynamic_launch_plans_wf(n: int) -> typing.List[int]:
    return slow_cubes_by_launch_plan(n=n)
