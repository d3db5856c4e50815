"""Workflows that wait at gate nodes: sleep, approve and wait_for_input."""

from datetime import timedelta

from flytekit import approve, dynamic, sleep, wait_for_input, workflow

from runs.workflows import add, square


@workflow
def sleep_wf(x: int) -> int:
    nap = sleep(timedelta(seconds=2))
    result = add(a=x, b=1)
    nap >> result
    return result


@workflow
def approve_wf(x: int) -> int:
    y = add(a=x, b=1)
    return square(x=approve(y, "approve-it", timeout=timedelta(hours=1)))


@workflow
def signal_wf(x: int) -> int:
    n = wait_for_input("how-many", timeout=timedelta(hours=1), expected_type=int)
    return add(a=x, b=n)


@workflow
def nested_approve_wf(x: int) -> int:
    """approve_wf as a sub-workflow: its gate runs as node n0-0-n1."""
    return approve_wf(x=x)


@dynamic
def gated_dynamic(x: int) -> int:
    """Gates in what a dynamic node generates: an approve() of add(x, 1), then a wait_for_input()
    whose value is added to the square of what was approved (run-time ids n0-0-dn1, n0-0-dn2)."""
    approved = approve(add(a=x, b=1), "approve-dyn", timeout=timedelta(hours=1))
    n = wait_for_input("how-many-dyn", timeout=timedelta(hours=1), expected_type=int)
    squared = square(x=approved)
    approved >> n
    return add(a=squared, b=n)


@workflow
def dynamic_gates_wf(x: int) -> int:
    return gated_dynamic(x=x)
