"""The pod plugin against a real Kubernetes API server: the kube-apiserver of k8s.io/kubernetes with
etcd (kube_cluster.py, tests/k8s), and a test node agent that binds the pods and runs them with
podman, reporting their status and serving their logs through the API as a kubelet does
(kube_node_agent.py: what it simulates is listed there). The sandbox reads a generated kubeconfig
(bearer token, client certificate, token file, exec plugin), sends task types to the `kubernetes`
plugin, and keeps raw data under s3://, which pods reach through the sandbox's S3 endpoint (on the
machine's network, as the agent runs them)."""

from __future__ import annotations

import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from e2e_support import (
    DOMAIN,
    FLYTEPROJ,
    PROJECT,
    REPO_ROOT,
    VENV_BIN,
    free_port,
    run_pyflyte,
    start_sandbox,
    task_attempts,
    unique,
)
from flytekit import ContainerTask, Resources
from flytekit.configuration import Config
from flytekit.models.core.execution import WorkflowExecutionPhase
from flytekit.remote import FlyteRemote
from kube_cluster import ADMIN_TOKEN, EXEC_TOKEN, start_cluster
from kube_node_agent import NodeAgent

NAMESPACE = "flyte-e2e"
WAIT = timedelta(seconds=240)
POLL = timedelta(seconds=0.3)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kube")
    cluster = start_cluster(folder)
    created = cluster.api("POST", "/api/v1/namespaces", json={"apiVersion": "v1", "kind": "Namespace",
                                                              "metadata": {"name": NAMESPACE}})
    assert created.status_code == 201, created.text
    cluster.agent = NodeAgent(cluster, folder / "agent").start()
    yield cluster
    cluster.agent.stop()
    cluster.stop()


@pytest.fixture(scope="module")
def image() -> str:
    res = subprocess.run([str(REPO_ROOT / "scripts" / "build-test-image.sh")], check=True, capture_output=True, text=True)
    return res.stdout.strip()


@pytest.fixture(scope="module")
def python_image() -> str:
    res = subprocess.run([str(REPO_ROOT / "scripts" / "build-python-image.sh")], check=True, capture_output=True,
                         text=True, timeout=900)
    return res.stdout.strip()


def sandbox_config(base: Path, kubeconfig: Path, more: str = "") -> Path:
    config = base / "sandbox.yaml"
    config.write_text(
        "storage:\n  raw_data_prefix: s3://my-s3-bucket/data\n"
        f"tasks:\n  path: [{VENV_BIN}]\n"
        "  plugins:\n    python-task: kubernetes\n    raw-container: kubernetes\n    python-in-container: kubernetes\n"
        f"  kubernetes:\n    kubeconfig: {kubeconfig}\n    namespace: {NAMESPACE}\n    image_pull_backoff_grace: 3s\n"
        f"{more}")
    return config


def start_kube_sandbox(base: Path, cluster, user: dict | None = None, more: str = "", state_dir: Path | None = None,
                       port: int | None = None):
    base.mkdir(parents=True, exist_ok=True)
    kubeconfig = cluster.kubeconfig(base / "kubeconfig", user or {"token": ADMIN_TOKEN})
    return start_sandbox(base, config=sandbox_config(base, kubeconfig, more), state_dir=state_dir, port=port,
                         extra_args=["--s3-port", str(free_port())])


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory, cluster, image, python_image):
    sb = start_kube_sandbox(tmp_path_factory.mktemp("kube-sandbox"), cluster)
    version = unique("v")
    res = run_pyflyte(sb, "--config", sb.config_path, "register", "--project", PROJECT, "--domain", DOMAIN,
                      "--version", version, "--image", python_image, "--destination-dir", ".", "incontainer",
                      cwd=FLYTEPROJ, env={"FLYTE_E2E_BUSYBOX_IMAGE": image})
    assert res.returncode == 0, res.output
    sb.version = version
    yield sb
    sb.stop_and_check()


def remote_of(sb) -> FlyteRemote:
    return FlyteRemote(Config.auto(config_file=str(sb.config_path)), default_project=PROJECT, default_domain=DOMAIN)


def pods_of(cluster, execution_name: str) -> list[dict]:
    listed = cluster.api("GET", f"/api/v1/namespaces/{NAMESPACE}/pods?labelSelector=execution-id={execution_name}")
    assert listed.status_code == 200, listed.text
    return listed.json()["items"]


def shell_task(image: str, script: str, **kwargs) -> ContainerTask:
    return ContainerTask(name=unique("kube.shell"), image=image, command=["/bin/sh", "-c", script], **kwargs)


def wait(remote, execution):
    return remote.wait(execution, timeout=WAIT, poll_interval=POLL)


def test_the_banner_names_the_cluster_its_version_and_namespace(sandbox, cluster):
    banner = sandbox.banner()
    assert f"Kubernetes:     {cluster.server} (v1.34.2), namespace {NAMESPACE}, context e2e; as pods: " in banner, banner
    assert "python-task" in banner


@pytest.mark.parametrize("form", ["client-certificate", "token-file", "exec-plugin"])
def test_every_kubeconfig_credential_form_reaches_the_cluster(tmp_path, cluster, form):
    pki = cluster.folder / "pki"
    if form == "client-certificate":
        user = {"client-certificate": str(pki / "client.crt"), "client-key": str(pki / "client.key")}
    elif form == "token-file":
        (tmp_path / "token").write_text(f"  {ADMIN_TOKEN}\n")
        user = {"tokenFile": "token"}  # relative to the kubeconfig's folder
    else:
        plugin = tmp_path / "get-token"
        plugin.write_text("#!/bin/sh\ncase \"$KUBERNETES_EXEC_INFO\" in *ExecCredential*) ;; *) exit 1;; esac\n"
                          "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                          f"\"status\":{{\"token\":\"{EXEC_TOKEN}\"}}}}'\n")
        plugin.chmod(0o755)
        user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "./get-token",
                         "interactiveMode": "Never"}}
    sb = start_kube_sandbox(tmp_path, cluster, user)
    try:
        assert f"Kubernetes:     {cluster.server} (v1.34.2), namespace {NAMESPACE}" in sb.banner(), sb.banner()
    finally:
        sb.stop_and_check()


def test_a_bad_credential_is_named_in_the_banner_and_its_tasks_fail_to_start(tmp_path, cluster, image):
    sb = start_kube_sandbox(tmp_path, cluster, {"token": "not-a-token"})
    try:
        banner = sb.banner()
        assert "Unauthorized" in banner and "tasks sent to it (" in banner, banner
        remote = remote_of(sb)
        execution = wait(remote, remote.execute(shell_task(image, "echo never"), inputs={}, version=unique("v")))
        assert execution.closure.phase == WorkflowExecutionPhase.FAILED
        assert "no Kubernetes cluster to run it on" in execution.closure.error.message, execution.closure.error
    finally:
        sb.stop_and_check()


def test_a_container_task_runs_as_a_pod_labelled_as_flyte_labels_it(sandbox, cluster, image):
    remote = remote_of(sandbox)
    task = shell_task(image, 'echo "hello from $FLYTE_INTERNAL_EXECUTION_ID"; sleep 2; echo done',
                      requests=Resources(cpu="200m", mem="64Mi"), limits=Resources(cpu="500m", mem="128Mi"))
    execution = remote.execute(task, inputs={}, version=unique("v"))
    seen = []
    deadline = time.monotonic() + 120
    while not seen and time.monotonic() < deadline:
        seen = pods_of(cluster, execution.id.name)
        time.sleep(0.1)
    assert len(seen) == 1, seen
    pod = seen[0]
    execution = wait(remote, execution)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    meta, spec = pod["metadata"], pod["spec"]
    attempt = task_attempts(sandbox, execution.id.to_flyte_idl())[0]
    node_id = attempt.id.node_execution_id.node_id
    assert meta["name"] == f"{execution.id.name}-{node_id}-0"  # propeller's name: execution, node, attempt
    for key, value in {"execution-id": execution.id.name, "project": PROJECT, "domain": DOMAIN, "node-id": node_id,
                       "interruptible": "false"}.items():
        assert meta["labels"][key] == value, meta["labels"]
    assert meta["labels"]["task-name"].startswith("kube-shell-"), meta["labels"]
    assert meta["annotations"]["primary_container_name"] == spec["containers"][0]["name"]
    assert spec["restartPolicy"] == "Never"
    container = spec["containers"][0]
    assert container["image"] == image
    assert container["resources"] == {"requests": {"cpu": "200m", "memory": "64Mi"},
                                      "limits": {"cpu": "500m", "memory": "128Mi"}}
    env = {item["name"]: item.get("value") for item in container["env"]}
    assert env["FLYTE_INTERNAL_EXECUTION_ID"] == execution.id.name
    assert env["FLYTE_AWS_ENDPOINT"].startswith("http://127.0.0.1:")
    # The pod's log reached the attempt's log, and the pod went once the engine was done with it.
    assert attempt.closure.metadata.plugin_identifier == "kubernetes"
    log = (sandbox.state_dir / "logs").glob(f"**/{execution.id.name}/**/task.log")
    text = "".join(path.read_text() for path in log)
    assert f"hello from {execution.id.name}\ndone\n" in text, text
    deadline = time.monotonic() + 30
    while pods_of(cluster, execution.id.name) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pods_of(cluster, execution.id.name) == []
