"""A node with four upstream nodes: flytekit lists them from a Python set, so their order changes
with the interpreter's hash seed."""

from flytekit import task, workflow


@task
def one(x: int) -> int:
    return x


@task
def total(a: int, b: int, c: int, d: int) -> int:
    return a + b + c + d


@workflow
def joined_wf(x: int) -> int:
    return total(a=one(x=x), b=one(x=x), c=one(x=x), d=one(x=x))
