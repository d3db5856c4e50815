"""A workflow with a sub-workflow, a branch and a map task side by side, for the console's Graph and
Timeline tabs. The branch reads only the workflow's inputs: its alternatives bind nothing upstream."""

import typing

from flytekit import conditional, map_task, workflow

from runs.maps import double
from runs.workflows import add, inner_wf, square


@workflow
def graph_wf(x: int, xs: typing.List[int]) -> typing.Tuple[int, int, typing.List[int]]:
    nested = inner_wf(x=x)
    after = add(a=nested, b=1)
    picked = conditional("big").if_(x > 5).then(square(x=x)).else_().then(add(a=x, b=100))
    doubled = map_task(double)(x=xs)
    return after, picked, doubled
