"""Values of each flytekit type family through the sandbox's engine with real flytekit.

Every workflow of `flyteproj/datatypes` passes its value between at least two tasks (local
processes), takes one of the same kind as a workflow input given from this process (files,
directories and dataframes go through FlyteRemote's data-proxy upload: `CreateUploadLocation` +
PUT), and returns values of that kind as outputs, read back here with their Python types.

The package is `datatypes` rather than `types`: a top-level package named `types` would shadow
the standard library module and break every Python process that has the project root on sys.path.
"""

from __future__ import annotations

import sys
import typing
from datetime import timedelta

import pandas as pd
import pytest
from flytekit.models.core.execution import NodeExecutionPhase, TaskExecutionPhase, WorkflowExecutionPhase
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile

from e2e_support import FLYTEPROJ, register_package, unique

sys.path.insert(0, str(FLYTEPROJ))
from datatypes.workflows import Color, Point, Shape, _listing  # noqa: E402  (the user's own types)

VERSION = "types-v1"
POLL = timedelta(milliseconds=200)
PACKAGE = "datatypes"


@pytest.fixture(scope="module")
def sandbox(task_sandbox):
    return task_sandbox


@pytest.fixture(scope="module")
def remote(sandbox):
    return register_package(sandbox, PACKAGE, VERSION)


def run(remote, workflow: str, type_hints: typing.Optional[dict] = None, timeout: float = 180, **inputs):
    """Launches the workflow's default launch plan with inputs converted (and uploaded) by
    FlyteRemote using the given Python types, and waits for it with its node executions."""
    lp = remote.fetch_launch_plan(name=f"{PACKAGE}.workflows.{workflow}", version=VERSION)
    execution = remote.execute(
        lp, inputs=inputs, type_hints=type_hints or {},
        execution_name=unique("e")[-20:].replace("_", "-").lower(),
    )
    return remote.wait(execution, timeout=timedelta(seconds=timeout), poll_interval=POLL, sync_nodes=True)


def task_nodes(execution) -> dict:
    return {k: v for k, v in execution.node_executions.items() if k not in ("start-node", "end-node")}


def assert_succeeded(execution, task_count: int) -> dict:
    """The execution, each of its `task_count` task nodes and each node's single attempt SUCCEEDED."""
    nodes = task_nodes(execution)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, _failure_report(execution, nodes)
    assert len(nodes) == task_count, sorted(nodes)
    for node_id, node in nodes.items():
        assert node.closure.phase == NodeExecutionPhase.SUCCEEDED, (node_id, node.closure.error)
        assert [a.closure.phase for a in node.task_executions] == [TaskExecutionPhase.SUCCEEDED], node_id
    return nodes


def _failure_report(execution, nodes: dict) -> str:
    """The execution's error and each failed node's, untruncated (pytest cuts long reprs)."""
    lines = [f"execution {execution.id.name}: {WorkflowExecutionPhase.enum_to_string(execution.closure.phase)}"]
    if execution.closure.error:
        lines.append(f"error [{execution.closure.error.code}]: {execution.closure.error.message}")
    for node_id, node in sorted(nodes.items()):
        lines.append(f"node {node_id}: {NodeExecutionPhase.enum_to_string(node.closure.phase)}")
        if node.closure.error:
            lines.append(f"  error: {node.closure.error.message}")
        for attempt in node.task_executions:
            lines.append(f"  attempt {attempt.id.retry_attempt}: {TaskExecutionPhase.enum_to_string(attempt.closure.phase)} "
                         f"logs {[log.uri for log in attempt.closure.logs]}")
    return "\n".join(lines)


def node_running(nodes: dict, task_suffix: str) -> list:
    """The node executions whose task is `<PACKAGE>.workflows.<task_suffix>`."""
    name = f"{PACKAGE}.workflows.{task_suffix}"
    found = [n for n in nodes.values() if n.task_executions[0].id.task_id.name == name]
    assert found, f"no node ran {name}"
    return found


def test_dataclass_nested_with_attribute_access(remote):
    given = Shape(name="given", origin=Point(x=-3, y=0.5), points=[Point(x=1, y=2.0)], tags=["in"])
    execution = run(remote, "dataclass_wf", type_hints={"given": Shape}, name="sq", n=3, given=given)
    # make_shape, move_shape x2, describe_point x3, times_ten, join_tags
    nodes = assert_succeeded(execution, 8)
    out = execution.outputs
    moved = Shape(
        name="sq-moved",
        origin=Point(x=13, y=1.5),
        points=[Point(x=10, y=0.0), Point(x=11, y=1.5), Point(x=12, y=3.0), Point(x=99, y=0.25)],
        tags=["t0", "t1", "t2", "moved"],
    )
    assert out.get("o0", as_type=Shape) == moved
    assert out.get("o1", as_type=str) == "(13, 1.5)"  # moved.origin
    assert out.get("o2", as_type=int) == 130  # moved.origin.x
    assert out.get("o3", as_type=str) == "(11, 1.5)"  # moved.points[1]
    assert out.get("o4", as_type=str) == "t0,t1,t2,moved"  # moved.tags
    assert out.get("o5", as_type=Shape) == Shape(
        name="given-moved", origin=Point(x=-2, y=0.5), points=[Point(x=2, y=2.0), Point(x=99, y=0.25)],
        tags=["in", "moved"],
    )
    assert out.get("o6", as_type=str) == "(-3, 0.5)"  # given.origin (attr_path on a workflow input)
    assert out.get("o7", as_type=Point) == Point(x=10, y=0.0)  # workflow output bound to moved.points[0]
    # The engine wrote the resolved attribute (not the whole dataclass) as the node's input.
    (times_ten,) = node_running(nodes, "times_ten")
    assert times_ten.inputs.get("v", as_type=int) == 13
    inputs_seen = sorted(n.inputs.get("p", as_type=Point).x for n in node_running(nodes, "describe_point"))
    assert inputs_seen == [-3, 11, 13]


def test_list_and_dict(remote):
    execution = run(remote, "collections_wf", type_hints={"xs": typing.List[int], "d": typing.Dict[str, float]},
                    xs=[1, 2, 3, 40], d={"a": 1.0, "b": -0.5, "c": 2.25})
    assert_succeeded(execution, 4)
    out = execution.outputs
    assert out.get("o0", as_type=typing.List[int]) == [2, 4, 6, 80]
    assert out.get("o1", as_type=int) == 92
    assert out.get("o2", as_type=typing.Dict[str, float]) == {"a": 2.5, "b": -1.25, "c": 5.625}
    assert out.get("o3", as_type=str) == "a=2.5;b=-1.25;c=5.625"


def test_optional_given(remote):
    execution = run(remote, "optional_wf", type_hints={"x": typing.Optional[int]}, x=4)
    assert_succeeded(execution, 3)
    assert execution.outputs.get("o0", as_type=typing.Optional[int]) == 6
    assert execution.outputs.get("o1", as_type=str) == "got 6"


def test_optional_omitted_is_none(remote):
    execution = run(remote, "optional_wf")
    nodes = assert_succeeded(execution, 3)
    assert execution.outputs.get("o0", as_type=typing.Optional[int]) is None
    assert execution.outputs.get("o1", as_type=str) == "nothing"
    assert {n.outputs.get("o0", as_type=typing.Optional[int]) for n in node_running(nodes, "maybe_increment")} == {None}


def test_enum(remote):
    execution = run(remote, "enum_wf", type_hints={"c": Color}, c=Color.GREEN)
    assert_succeeded(execution, 3)
    assert execution.outputs.get("o0", as_type=Color) == Color.BLUE
    assert execution.outputs.get("o1", as_type=str) == "BLUE/blue"
    assert execution.outputs.get("o2", as_type=Color) == Color.RED


def _read(ff: FlyteFile) -> str:
    with open(ff.download()) as f:
        return f.read()


def test_flyte_file(remote, tmp_path):
    local = tmp_path / "given.txt"
    local.write_text("uploaded from the test")
    execution = run(remote, "file_wf", type_hints={"given": FlyteFile}, text="written by a task",
                    given=FlyteFile(str(local)))
    nodes = assert_succeeded(execution, 5)  # write_note, append_note x2, read_note x2
    out = execution.outputs
    assert out.get("o1", as_type=str) == "written by a task (appended)"
    assert out.get("o2", as_type=str) == "uploaded from the test"
    assert _read(out.get("o0", as_type=FlyteFile)) == "written by a task (appended)"
    assert _read(out.get("o3", as_type=FlyteFile)) == "uploaded from the test (seen by a task)"
    # Files are passed by reference: the task's output blob is what the next task got.
    (written,) = node_running(nodes, "write_note")
    uri = written.outputs.literals["o0"].scalar.blob.uri
    assert uri
    assert any(n.inputs.literals["f"].scalar.blob.uri == uri for n in node_running(nodes, "append_note"))


def test_flyte_directory(remote, tmp_path):
    # Flat: FlyteRemote uploads a folder file by file under their base names (CreateUploadLocation
    # carries no sub-folder), so sub-folders of an uploaded input are flattened, as on real Flyte.
    given = tmp_path / "given"
    given.mkdir()
    (given / "one.txt").write_text("1")
    (given / "two.txt").write_text("2")
    execution = run(remote, "dir_wf", type_hints={"names": typing.List[str], "given": FlyteDirectory},
                    names=["a", "b"], given=FlyteDirectory(str(given)))
    assert_succeeded(execution, 5)  # make_dir, add_to_dir x2, list_dir x2
    out = execution.outputs
    expected = ["a.txt=A", "b.txt=B", "extra.txt=EXTRA", "sub/nested.txt=deep"]
    assert out.get("o1", as_type=typing.List[str]) == expected
    assert out.get("o2", as_type=typing.List[str]) == ["added.txt=ADDED", "one.txt=1", "two.txt=2"]
    local = out.get("o0", as_type=FlyteDirectory).download()
    assert _listing(local) == expected


def test_pandas_dataframe(remote):
    given = pd.DataFrame({"i": [5, 6], "name": ["five", "six"]})
    execution = run(remote, "frame_wf", type_hints={"given": pd.DataFrame}, n=4, given=given)
    assert_succeeded(execution, 5)  # make_frame, add_square x2, frame_summary x2
    out = execution.outputs
    assert out.get("o1", as_type=str) == "4 rows; columns i,name,sq; sum 20"
    assert out.get("o3", as_type=str) == "2 rows; columns i,name,sq; sum 72"
    squared = out.get("o0", as_type=pd.DataFrame)
    pd.testing.assert_frame_equal(
        squared.reset_index(drop=True),
        pd.DataFrame({"i": [0, 1, 2, 3], "name": ["row0", "row1", "row2", "row3"], "sq": [0, 1, 4, 9]}),
    )
    given_squared = out.get("o2", as_type=pd.DataFrame)
    pd.testing.assert_frame_equal(
        given_squared.reset_index(drop=True),
        pd.DataFrame({"i": [5, 6], "name": ["five", "six"], "sq": [25, 36]}),
    )
