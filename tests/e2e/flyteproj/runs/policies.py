"""Workflows for the execution semantics users rely on: launch plan nodes, failure nodes,
failure policies and max parallelism."""

import time
import typing

from flytekit import LaunchPlan, WorkflowFailurePolicy, task, workflow
from flytekit.types.error import FlyteError

from runs.workflows import add, boom, inner_wf


square_lp = LaunchPlan.get_or_create(inner_wf, name="runs.policies.square_lp")


@workflow
def lp_parent_wf(x: int) -> int:
    return add(a=square_lp(x=x), b=1)


@task
def clean_up(x: int, err: typing.Optional[FlyteError] = None) -> None:
    print(f"cleaning up after x={x}: {err}")


@workflow(on_failure=clean_up)
def failure_node_wf(x: int) -> int:
    return boom(x=x)


@task
def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


@workflow(failure_policy=WorkflowFailurePolicy.FAIL_AFTER_EXECUTABLE_NODES_COMPLETE)
def keep_going_wf(x: int) -> float:
    boom(x=x)
    return nap(seconds=2.0)


@workflow
def six_naps_wf(seconds: float) -> typing.List[float]:
    return [nap(seconds=seconds) for _ in range(6)]


two_at_a_time = LaunchPlan.get_or_create(six_naps_wf, name="runs.policies.two_at_a_time", max_parallelism=2)
