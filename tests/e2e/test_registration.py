"""Registration with the real clients: `pyflyte register`, `FlyteRemote.fetch_*`, `pyflyte run --remote`.

The flytekit project under test is tests/e2e/flyteproj (see its README). One server per module.
"""

from __future__ import annotations

import re
import shutil
import tarfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import grpc
import pytest
from e2e_support import (
    DOMAIN,
    FLYTEPROJ,
    PROJECT,
    RPC_TIMEOUT_S,
    named_entity,
    rpc_error,
    run_pyflyte,
    task_id,
    workflow_id,
)
from flyteidl.admin import common_pb2
from flytekit.models.core.execution import WorkflowExecutionPhase
from flytekit.models.types import SimpleType

VERSION = "v1"
TASKS = [
    "myapp.tasks.add_one",
    "myapp.tasks.greet",
    "myapp.tasks.scale",
    "myapp.tasks.count_words",
    "myapp.tasks.make_point",
    "myapp.tasks.norm",
    "myapp.tasks.square",
    "myapp.tasks.flaky_double",
    "myapp.tasks.describe",
]
MAIN_WF = "myapp.workflows.main_wf"
SUB_WF = "myapp.workflows.sub_wf"
MAIN_LP = "myapp.workflows.main_lp"


def register(sandbox, package: str, version: str = VERSION, cwd: Path = FLYTEPROJ, env: dict | None = None):
    return run_pyflyte(
        sandbox,
        "--config", sandbox.config_path,
        "register",
        "--project", PROJECT,
        "--domain", DOMAIN,
        "--version", version,
        package,
        cwd=cwd,
        env=env,
    )


@pytest.fixture(scope="module")
def first_register(sandbox):
    return register(sandbox, "myapp")


@pytest.fixture(scope="module")
def registered(first_register):
    assert first_register.returncode == 0, f"pyflyte register failed:\n{first_register.output}"
    return first_register


@pytest.fixture(scope="module")
def remote(sandbox, registered):
    from flytekit.configuration import Config
    from flytekit.remote import FlyteRemote

    return FlyteRemote(
        Config.auto(config_file=str(sandbox.config_path)),
        default_project=PROJECT,
        default_domain=DOMAIN,
    )


# --------------------------------------------------------------------------- pyflyte register


def test_register_package(first_register):
    out = first_register.output
    assert first_register.returncode == 0, out
    assert re.search(r"Successfully registered \d+ entities", out), out
    for name in TASKS + [MAIN_WF, SUB_WF, MAIN_LP]:
        assert name in out, f"{name} not reported as registered:\n{out}"
    assert "Failed" not in out, out


def test_register_same_version_again_succeeds(sandbox, registered):
    # Every Create* now answers ALREADY_EXISTS, which flytekit treats as success.
    again = register(sandbox, "myapp")
    assert again.returncode == 0, again.output
    assert re.search(r"Successfully registered \d+ entities", again.output), again.output


def test_register_again_with_other_upstream_order_succeeds(sandbox):
    """flytekit lists a node's upstream nodes from a set: another hash seed, another order, same workflow.
    The sandbox judges "same content" on a canonical form, as FlyteAdmin does on the compiled workflow."""
    for seed in ("1", "2", "3", "4"):
        res = register(sandbox, "joins", version="joins-v1", env={"PYTHONHASHSEED": seed})
        assert res.returncode == 0 and "Failed" not in res.output, f"PYTHONHASHSEED={seed}:\n{res.output}"


def test_fast_register_tarball_is_stored_at_native_url(remote, sandbox):
    # pyflyte register uploads the code through DataProxy.CreateUploadLocation + PUT and bakes
    # native_url into every task's args as --additional-distribution.
    t = remote.fetch_task(name="myapp.tasks.add_one", version=VERSION)
    args = list(t.template.container.args)
    assert "--additional-distribution" in args, args
    native_url = args[args.index("--additional-distribution") + 1]
    parsed = urlparse(native_url)
    assert parsed.scheme in ("file", ""), f"expected a local file:// URL, got {native_url}"
    path = Path(unquote(parsed.path))
    assert path.is_file(), f"uploaded tarball missing at {path} (native_url {native_url})"
    assert path.resolve().is_relative_to(sandbox.state_dir.resolve()), f"{path} is outside the state dir"
    with tarfile.open(path) as tar:
        names = tar.getnames()
    assert any(n.endswith("myapp/tasks.py") for n in names), names


# --------------------------------------------------------------------------- FlyteRemote.fetch_*


def _simple(var) -> SimpleType:
    return var.type.simple


@pytest.mark.parametrize("version", [VERSION, None], ids=["explicit-version", "latest"])
def test_fetch_task_add_one(remote, version):
    t = remote.fetch_task(name="myapp.tasks.add_one", version=version)
    assert (t.id.project, t.id.domain, t.id.name, t.id.version) == (PROJECT, DOMAIN, "myapp.tasks.add_one", VERSION)
    assert set(t.interface.inputs) == {"x"}
    assert set(t.interface.outputs) == {"o0"}
    assert _simple(t.interface.inputs["x"]) == SimpleType.INTEGER
    assert _simple(t.interface.outputs["o0"]) == SimpleType.INTEGER
    assert t.template.type == "python-task"


def test_fetch_task_collection_and_map_types(remote):
    scale = remote.fetch_task(name="myapp.tasks.scale", version=VERSION)
    assert set(scale.interface.inputs) == {"values", "factor"}
    assert scale.interface.inputs["values"].type.collection_type.simple == SimpleType.FLOAT
    assert _simple(scale.interface.inputs["factor"]) == SimpleType.FLOAT
    assert scale.interface.outputs["o0"].type.collection_type.simple == SimpleType.FLOAT

    words = remote.fetch_task(name="myapp.tasks.count_words", version=VERSION)
    assert _simple(words.interface.inputs["text"]) == SimpleType.STRING
    assert words.interface.outputs["o0"].type.map_value_type.simple == SimpleType.INTEGER


def test_fetch_task_dataclass_types(remote):
    make_point = remote.fetch_task(name="myapp.tasks.make_point", version=VERSION)
    out = make_point.interface.outputs["o0"].type
    assert out.simple == SimpleType.STRUCT
    # The JSON schema flytekit attaches as LiteralType.metadata must survive the round trip.
    schema = out.metadata
    assert set(schema["properties"]) == {"x", "y", "label"}, schema

    norm = remote.fetch_task(name="myapp.tasks.norm", version=VERSION)
    assert norm.interface.inputs["p"].type.simple == SimpleType.STRUCT
    assert _simple(norm.interface.outputs["o0"]) == SimpleType.FLOAT


def test_fetch_task_cache_retries_timeout_metadata(remote):
    square = remote.fetch_task(name="myapp.tasks.square", version=VERSION)
    assert square.metadata.discoverable is True
    assert square.metadata.discovery_version == "1"

    flaky = remote.fetch_task(name="myapp.tasks.flaky_double", version=VERSION)
    assert flaky.metadata.retries.retries == 2
    assert flaky.metadata.timeout.total_seconds() == 300


@pytest.mark.parametrize("version", [VERSION, None], ids=["explicit-version", "latest"])
def test_fetch_main_workflow(remote, version):
    wf = remote.fetch_workflow(name=MAIN_WF, version=version)
    assert wf.id.version == VERSION
    assert set(wf.interface.inputs) == {"x", "name", "factor"}
    assert set(wf.interface.outputs) == {"o0", "o1", "o2", "o3", "o4"}
    assert _simple(wf.interface.inputs["x"]) == SimpleType.INTEGER
    assert _simple(wf.interface.inputs["name"]) == SimpleType.STRING
    assert _simple(wf.interface.inputs["factor"]) == SimpleType.FLOAT

    # FlyteRemote drops start-node/end-node from the compiled closure; the user's nodes remain.
    node_ids = {n.id for n in wf.nodes}
    assert node_ids == {f"n{i}" for i in range(9)}, node_ids
    assert {n.id for n in wf.flyte_nodes} == node_ids

    sub_nodes = [n for n in wf.nodes if n.workflow_node is not None]
    assert len(sub_nodes) == 1, node_ids
    assert sub_nodes[0].workflow_node.sub_workflow_ref.name == SUB_WF
    assert [sw.name for sw in wf.flyte_sub_workflows] == [SUB_WF]
    sub = wf.flyte_sub_workflows[0]
    assert {n.id for n in sub.flyte_nodes} == {"n0", "n1"}

    branches = [n for n in wf.nodes if n.branch_node is not None]
    assert len(branches) == 1, node_ids
    assert branches[0].metadata.name == "sign"

    task_names = {t.id.name for t in wf.flyte_tasks}
    assert set(TASKS) <= task_names, task_names


def test_fetch_sub_workflow_directly(remote):
    sub = remote.fetch_workflow(name=SUB_WF, version=VERSION)
    assert set(sub.interface.inputs) == {"x"}
    assert set(sub.interface.outputs) == {"o0"}
    refs = {n.task_node.reference_id.name for n in sub.nodes if n.task_node is not None}
    assert refs == {"myapp.tasks.add_one", "myapp.tasks.square"}


@pytest.mark.parametrize("version", [VERSION, None], ids=["explicit-version", "latest"])
def test_fetch_launch_plan_fixed_and_default_inputs(remote, version):
    lp = remote.fetch_launch_plan(name=MAIN_LP, version=version)
    assert lp.id.version == VERSION
    assert (lp.workflow_id.name, lp.workflow_id.version) == (MAIN_WF, VERSION)

    fixed = lp.fixed_inputs.literals
    assert set(fixed) == {"name"}
    assert fixed["name"].scalar.primitive.string_value == "fixed-name"

    params = lp.default_inputs.parameters
    assert "name" not in params  # fixed inputs cannot be overridden
    assert params["x"].default.scalar.primitive.integer == 7
    assert params["factor"].default.scalar.primitive.float_value == 2.0

    # FlyteRemote attaches the workflow's interface to the launch plan.
    assert set(lp.interface.inputs) == {"x", "name", "factor"}


def test_default_launch_plan_registered_with_workflow(remote):
    lp = remote.fetch_launch_plan(name=MAIN_WF, version=VERSION)
    assert lp.workflow_id.name == MAIN_WF
    assert lp.default_inputs.parameters["x"].default.scalar.primitive.integer == 1
    assert len(lp.fixed_inputs.literals) == 0


# --------------------------------------------------------------------------- failures


def test_register_workflow_with_missing_task_fails(sandbox):
    res = register(sandbox, "broken")
    assert res.returncode != 0, f"registering a workflow over a missing task succeeded:\n{res.output}"
    assert "broken.never_registered_task" in res.output, res.output
    # Nothing half-registered.
    err = rpc_error(sandbox.admin().GetWorkflow, _object_get(workflow_id("broken.workflows.broken_wf", VERSION)))
    assert err.code() == grpc.StatusCode.NOT_FOUND, err


def test_register_same_version_with_different_content_fails(sandbox, registered, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(FLYTEPROJ / "myapp", root / "myapp", ignore=shutil.ignore_patterns("__pycache__"))
    tasks_py = root / "myapp" / "tasks.py"
    src = tasks_py.read_text()
    changed = src.replace("def add_one(x: int) -> int:", "def add_one(x: int, y: int = 0) -> int:")
    assert changed != src
    tasks_py.write_text(changed)

    res = register(sandbox, "myapp", cwd=root)
    assert res.returncode != 0, f"re-registering v1 with a different add_one succeeded:\n{res.output}"
    assert re.search(r"differ", res.output, re.IGNORECASE), res.output

    # The original stays untouched.
    got = sandbox.admin().GetTask(common_pb2.ObjectGetRequest(id=task_id("myapp.tasks.add_one", VERSION)), timeout=RPC_TIMEOUT_S)
    assert set(got.closure.compiled_task.template.interface.inputs.variables) == {"x"}


def _object_get(ident):
    return common_pb2.ObjectGetRequest(id=ident)


# --------------------------------------------------------------------------- pyflyte run --remote


def test_pyflyte_run_remote(sandbox, registered, remote):
    res = run_pyflyte(
        sandbox,
        "--config", sandbox.config_path,
        "run", "--remote",
        "--project", PROJECT, "--domain", DOMAIN,
        "myapp/workflows.py", "main_wf", "--x", "1",
        cwd=FLYTEPROJ,
    )
    # Everything before CreateExecution must have worked: the script's entities were
    # fast-registered under a computed version next to v1.
    listed = sandbox.admin().ListWorkflows(
        common_pb2.ResourceListRequest(id=named_entity(MAIN_WF), limit=100), timeout=RPC_TIMEOUT_S
    )
    versions = {w.id.version for w in listed.workflows}
    assert VERSION in versions and len(versions) >= 2, f"{versions}\n{res.output}"

    assert res.returncode == 0, res.output
    name = re.search(r"executions/([a-z0-9]+)", res.output)
    assert name, res.output
    # The conditional's branches read flaky_double's output (n2), which flytekit does not list as
    # the branch node's upstream: the branch must still wait for it.
    execution = remote.wait(remote.fetch_execution(name=name.group(1)), timeout=timedelta(seconds=120))
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    # x=1: y=2, s=9, d=18.
    assert execution.outputs["o0"] == 18 and execution.outputs["o1"] == "positive:18"
