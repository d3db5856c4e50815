"""A pandas DataFrame and a FlyteFile between local-process tasks and a Python task in a container
(the Python test image, registered with --image). The container task has a task type of its own,
`python-in-container`, which the test's sandbox config sends to the container plugin while Python
tasks stay local processes: flytekit's ContainerTask cannot take a DataFrame (copilot refuses
structured datasets), a Python task can."""

from pathlib import Path

import flytekit
import pandas as pd
from flytekit import task, workflow
from flytekit.core.python_function_task import PythonFunctionTask
from flytekit.types.file import FlyteFile

CONTAINER_TASK_TYPE = "python-in-container"


@task
def make(n: int) -> tuple[pd.DataFrame, FlyteFile]:
    note = Path(flytekit.current_context().working_directory) / "note.txt"
    note.write_text(f"note {n}")
    return pd.DataFrame({"x": list(range(n)), "name": [f"row{i}" for i in range(n)]}), FlyteFile(str(note))


def in_container(function) -> PythonFunctionTask:
    """Like @task, with the task type the test's sandbox sends to the container plugin (the task
    keeps the function's name, by which pyflyte-execute finds it)."""
    return PythonFunctionTask(task_config=None, task_function=function, task_type=CONTAINER_TASK_TYPE)


@in_container
def grow(frame: pd.DataFrame, note: FlyteFile) -> tuple[pd.DataFrame, FlyteFile]:
    import only_in_image  # proves where it ran: only the image has this module

    with open(note.download()) as f:
        text = f.read()
    out = Path(flytekit.current_context().working_directory) / "grown.txt"
    out.write_text(f"{text} ({only_in_image.WHERE})")
    return frame.assign(square=frame["x"] * frame["x"]), FlyteFile(str(out))


@task
def summarize(frame: pd.DataFrame, note: FlyteFile) -> str:
    with open(note.download()) as f:
        text = f.read()
    return f"{list(frame.columns)}|{int(frame['square'].sum())}|{text}"


@workflow
def frames_wf(n: int) -> tuple[pd.DataFrame, FlyteFile, str]:
    frame, note = make(n=n)
    grown, grown_note = grow(frame=frame, note=note)
    return grown, grown_note, summarize(frame=grown, note=grown_note)
