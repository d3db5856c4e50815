"""A workflow whose only node references a task that is never registered.

Serialization succeeds locally (a reference task only names a remote entity), but the
server's CreateWorkflow must reject the workflow because node "n0" points at a task that
does not exist.
"""

from flytekit import reference_task, workflow


@reference_task(
    project="flytesnacks",
    domain="development",
    name="broken.never_registered_task",
    version="v0",
)
def never_registered_task(x: int) -> int: ...


@workflow
def broken_wf(x: int = 1) -> int:
    return never_registered_task(x=x)
