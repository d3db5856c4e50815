"""Python tasks the container tests run in the Python test image (scripts/build-python-image.sh;
registered with --image, and a sandbox that sends Python tasks to the container plugin): one
imports a module only the image has, a map runs one container per item; and a ContainerTask doing
nothing in the busybox test image (its name from FLYTE_E2E_BUSYBOX_IMAGE when registered)."""

import os
import time

from flytekit import ContainerTask, map_task, task, workflow


@task
def where() -> str:
    import only_in_image  # the image has it; the machine registering the task has not

    return only_in_image.WHERE


@workflow
def where_wf() -> str:
    return where()


@task
def square(x: int) -> int:
    time.sleep(1)  # long enough for the items' containers to overlap as far as they may
    return x * x


@workflow
def squares_wf(xs: list[int]) -> list[int]:
    return map_task(square, concurrency=4)(x=xs)


@task
def double(x: int) -> int:
    return 2 * x


@workflow
def doubles_wf(xs: list[int]) -> list[int]:
    return map_task(double)(x=xs)  # no limit: as many containers at once as the engine starts


nothing = ContainerTask(name="incontainer.tasks.nothing",
                        image=os.environ.get("FLYTE_E2E_BUSYBOX_IMAGE", "localhost/flyte-e2e-busybox:unset"),
                        command=["true"])
