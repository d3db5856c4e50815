"""Raw data between local-process tasks and a Python task in a container (real podman, the Python
test image of scripts/build-python-image.sh), once with raw data in the store's own folder (the
blob store mounted in the container) and once with `storage.raw_data_prefix: s3://...`, where
flytekit writes and reads every FlyteFile and DataFrame through the sandbox's S3 endpoint
(FLYTE_AWS_* set by the plugins; containers reach the endpoint on the machine's network). The
outputs are read back with boto3 from the S3 endpoint and with FlyteRemote (the client config
the sandbox writes points flytekit at the endpoint)."""

from __future__ import annotations

import io
from datetime import timedelta

import boto3
import pandas as pd
import pytest
from e2e_support import (
    DOMAIN,
    FLYTEPROJ,
    PROJECT,
    VENV_BIN,
    free_port,
    run_pyflyte,
    start_sandbox,
    task_attempts,
    unique,
)
from flytekit.configuration import Config
from flytekit.core.context_manager import FlyteContextManager
from flytekit.models.core.execution import WorkflowExecutionPhase
from flytekit.remote import FlyteRemote
from flytekit.types.file import FlyteFile
from test_containers import engine_socket  # noqa: F401 (fixture)

BUCKET = "my-s3-bucket"


@pytest.fixture(scope="module", params=["local", "s3"])
def raw_sandbox(request, tmp_path_factory, engine_socket, python_image):  # noqa: F811 (engine_socket)
    """A sandbox whose Python tasks are local processes but for task type python-in-container
    (incontainer/frames.py), with raw data in the store (`local`) or under s3://my-s3-bucket/data."""
    mode = request.param
    base = tmp_path_factory.mktemp(f"raw-data-{mode}")
    config = base / "sandbox.yaml"
    storage = f"storage:\n  raw_data_prefix: s3://{BUCKET}/data\n" if mode == "s3" else ""
    config.write_text(f"{storage}tasks:\n  path: [{VENV_BIN}]\n  plugins:\n    python-in-container: container\n"
                      f"  containers:\n    socket: unix://{engine_socket}\n    stop_grace: 1s\n")
    s3_port = free_port()
    sb = start_sandbox(base, config=config, extra_args=["--s3-port", str(s3_port)])
    sb.mode = mode
    sb.s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{s3_port}", aws_access_key_id="minio",
                         aws_secret_access_key="miniostorage", region_name="us-east-1")
    version = unique("v")
    res = run_pyflyte(sb, "--config", sb.config_path, "register", "--project", PROJECT, "--domain", DOMAIN,
                      "--version", version, "--image", python_image, "--destination-dir", ".", "incontainer",
                      cwd=FLYTEPROJ, env={"FLYTE_E2E_BUSYBOX_IMAGE": python_image})
    assert res.returncode == 0, res.output
    sb.version = version
    yield sb
    sb.stop_and_check()


def bucket_and_key(sb, uri: str) -> tuple[str, str]:
    """Where the S3 endpoint serves a raw data URI: s3://bucket/key as it is, a path in the store
    as the bucket of its first folder."""
    if uri.startswith("s3://"):
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        return bucket, key
    relative = uri.removeprefix("file://").removeprefix(str(sb.state_dir / "blobs") + "/")
    bucket, _, key = relative.partition("/")
    return bucket, key


def plugins_of(sb, execution) -> list[str]:
    return sorted(attempt.closure.metadata.plugin_identifier for attempt in task_attempts(sb, execution.id.to_flyte_idl()))


def run(sb, workflow_name: str, inputs: dict) -> tuple[FlyteRemote, object]:
    remote = FlyteRemote(Config.auto(config_file=str(sb.config_path)), default_project=PROJECT,
                         default_domain=DOMAIN)
    workflow = remote.fetch_workflow(name=workflow_name, version=sb.version)
    execution = remote.execute(workflow, inputs=inputs)
    execution = remote.wait(execution, timeout=timedelta(seconds=300), poll_interval=timedelta(seconds=0.5))
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    return remote, execution


def assert_raw_data_under_the_prefix(sb, execution, uri: str) -> None:
    if sb.mode == "s3":
        assert uri.startswith(f"s3://{BUCKET}/data/{PROJECT}/{DOMAIN}/{execution.id.name}/"), uri
    else:
        assert uri.startswith(str(sb.state_dir / "blobs" / "raw")), uri


def test_a_dataframe_and_a_file_pass_between_local_and_container_tasks(raw_sandbox):
    sb = raw_sandbox
    _, execution = run(sb, "incontainer.frames.frames_wf", {"n": 5})
    assert plugins_of(sb, execution) == ["container", "local", "local"]
    expected_frame = pd.DataFrame({"x": range(5), "name": [f"row{i}" for i in range(5)],
                                   "square": [i * i for i in range(5)]})
    # Local → container → local: the columns made locally and in the container, the note's lines.
    assert execution.outputs.get("o2", as_type=str) == "['x', 'name', 'square']|30|note 5 (in the image)"

    literals = execution.outputs.literals
    file_uri = literals["o1"].scalar.blob.uri
    frame_uri = literals["o0"].scalar.structured_dataset.uri
    assert_raw_data_under_the_prefix(sb, execution, file_uri)
    assert_raw_data_under_the_prefix(sb, execution, frame_uri)

    # boto3 against the sandbox's S3 endpoint: the file's bytes, the frame's parquet files.
    bucket, key = bucket_and_key(sb, file_uri)
    assert sb.s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"note 5 (in the image)"
    bucket, prefix = bucket_and_key(sb, frame_uri)
    listed = sb.s3.list_objects_v2(Bucket=bucket, Prefix=prefix.rstrip("/") + "/")
    parts = [item["Key"] for item in listed.get("Contents", [])]
    assert parts, listed
    frame = pd.concat(pd.read_parquet(io.BytesIO(sb.s3.get_object(Bucket=bucket, Key=part)["Body"].read()))
                      for part in parts)
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected_frame, check_dtype=False)

    # FlyteRemote downloads both, s3fs through the endpoint the client config names (in the
    # remote's context: outputs.get alone uses flytekit's default context, which knows no endpoint).
    # FlyteRemote downloads both with the client config the sandbox wrote (its storage.connection
    # names the endpoint; s3fs reads through it).
    written = sb.home / ".flyte" / "config-sandbox.yaml"
    remote = FlyteRemote(Config.auto(config_file=str(written)), default_project=PROJECT, default_domain=DOMAIN)
    fetched = remote.fetch_execution(name=execution.id.name)
    frame = fetched.outputs.get("o0", as_type=pd.DataFrame)
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected_frame, check_dtype=False)
    note = fetched.outputs.get("o1", as_type=FlyteFile)
    # FlyteFile.download uses the current context's storage settings, not the remote's.
    with FlyteContextManager.with_context(remote.context.new_builder()), open(note.download()) as f:
        assert f.read() == "note 5 (in the image)"


def test_a_raw_container_gets_its_files_from_and_leaves_them_in_the_raw_data_prefix(raw_sandbox):
    """incontainer/mixed.py: a ContainerTask's data folders (copilot's job, done by the sandbox)
    filled from, and read back into, the raw data prefix (s3:// objects are the store's files)."""
    sb = raw_sandbox
    remote, execution = run(sb, "incontainer.mixed.mixed_wf", {"n": 4})
    assert execution.outputs.get("o0", as_type=str) == "50|note 4 (container)\n|a.txt,listing.txt,sub/b.txt"
    assert plugins_of(sb, execution) == ["container", "local", "local"]
    execution = remote.sync_execution(execution, sync_nodes=True)
    note = execution.node_executions["n1"].outputs.literals["note"].scalar.blob.uri
    assert_raw_data_under_the_prefix(sb, execution, note)
    bucket, key = bucket_and_key(sb, note)
    assert sb.s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"note 4 (container)\n"
