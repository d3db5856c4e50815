"""A sub-workflow, a main workflow (tasks + sub-workflow + conditional) and a launch plan."""

import typing

from flytekit import LaunchPlan, conditional, workflow

from myapp.tasks import (
    add_one,
    count_words,
    describe,
    flaky_double,
    greet,
    make_point,
    norm,
    scale,
    square,
)


@workflow
def sub_wf(x: int) -> int:
    return square(x=add_one(x=x))


@workflow
def main_wf(
    x: int = 1, name: str = "flyte", factor: float = 2.0
) -> typing.Tuple[int, str, typing.List[float], float, typing.Dict[str, int]]:
    y = add_one(x=x)
    s = sub_wf(x=y)
    d = flaky_double(x=s)
    g = greet(name=name)
    v = scale(values=[1.0, 2.0, 3.0], factor=factor)
    n = norm(p=make_point(x=factor, y=factor))
    words = count_words(text=g)
    label = (
        conditional("sign")
        .if_(x > 0)
        .then(describe(n=d, tag="positive"))
        .else_()
        .then(describe(n=d, tag="non-positive"))
    )
    return d, label, v, n, words


# "name" is fixed (not overridable at launch); "x" gets a new default.
main_lp = LaunchPlan.get_or_create(
    workflow=main_wf,
    name="myapp.workflows.main_lp",
    fixed_inputs={"name": "fixed-name"},
    default_inputs={"x": 7},
)
