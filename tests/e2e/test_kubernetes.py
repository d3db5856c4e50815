"""The pod plugin against a real Kubernetes API server: the kube-apiserver of k8s.io/kubernetes with
etcd (kube_cluster.py, tests/k8s), and a test node agent that binds the pods and runs them with
podman, reporting their status and serving their logs through the API as a kubelet does
(kube_node_agent.py: what it simulates is listed there). The sandbox reads a generated kubeconfig
(bearer token, client certificate, token file, exec plugin), sends task types to the `kubernetes`
plugin, and keeps raw data under s3://, which pods reach through the sandbox's S3 endpoint (on the
machine's network, as the agent runs them)."""

from __future__ import annotations

import base64
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from e2e_support import (
    DOMAIN,
    FLYTE2_BIN,
    FLYTEPROJ,
    PROJECT,
    VENV_BIN,
    free_port,
    run_flyte,
    run_pyflyte,
    start_sandbox,
    task_attempts,
    unique,
)
from flytekit import ContainerTask, PodTemplate, Resources, TaskMetadata, kwtypes
from flytekit.configuration import Config
from flytekit.models.core.execution import WorkflowExecutionPhase
from flyte2_support import TERMINAL, actions_of, connect, flyte_run, run_id, wait_for
from flytekit.remote import FlyteRemote
from kube_cluster import ADMIN_TOKEN, EXEC_TOKEN, start_cluster
from kube_node_agent import NodeAgent
from kubernetes.client import V1Container, V1PodSpec

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


def sandbox_config(base: Path, kubeconfig: Path, more: str = "") -> Path:
    config = base / "sandbox.yaml"
    config.write_text(
        "storage:\n  raw_data_prefix: s3://my-s3-bucket/data\n"
        f"tasks:\n  path: [{VENV_BIN}]\n  flyte2_path: [{FLYTE2_BIN}]\n"
        "  plugins:\n    python-task: kubernetes\n    raw-container: kubernetes\n    python-in-container: kubernetes\n"
        "    python: kubernetes\n    sidecar: kubernetes\n"
        f"  kubernetes:\n    kubeconfig: {kubeconfig}\n    namespace: {NAMESPACE}\n    image_pull_backoff_grace: 3s\n"
        "    interruptible_tolerations: [{key: spot, operator: Exists, effect: NoSchedule}]\n"
        "    interruptible_node_selector: {pool: spot}\n"
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
                      "inpods", cwd=FLYTEPROJ, env={"FLYTE_E2E_BUSYBOX_IMAGE": image})
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


def test_a_container_task_runs_as_a_pod_labelled_and_placed_as_flyte_does(sandbox, cluster, image):
    remote = remote_of(sandbox)
    task = shell_task(image, 'echo "hello from $FLYTE_INTERNAL_EXECUTION_ID"; sleep 2; echo done',
                      requests=Resources(cpu="200m", mem="64Mi"), limits=Resources(cpu="500m", mem="128Mi"),
                      metadata=TaskMetadata(retries=1))
    execution = remote.execute(task, inputs={}, version=unique("v"), interruptible=True)
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
                       "interruptible": "true"}.items():
        assert meta["labels"][key] == value, meta["labels"]
    assert meta["labels"]["task-name"].startswith("kube-shell-"), meta["labels"]
    assert meta["annotations"]["primary_container_name"] == spec["containers"][0]["name"]
    assert spec["restartPolicy"] == "Never"
    # Its first attempt may be interrupted (it has a retry left): the configured placement.
    assert spec["tolerations"][0] == {"key": "spot", "operator": "Exists", "effect": "NoSchedule"}, spec
    assert spec["nodeSelector"] == {"pool": "spot"}
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


def running_pods(cluster, execution_name: str) -> list[str]:
    return [pod["metadata"]["name"] for pod in pods_of(cluster, execution_name)
            if pod.get("status", {}).get("phase") == "Running"]


def test_python_tasks_run_as_pods_and_pass_a_dataframe_and_a_file_through_s3(sandbox):
    remote = remote_of(sandbox)
    workflow = remote.fetch_workflow(name="incontainer.frames.frames_wf", version=sandbox.version)
    execution = wait(remote, remote.execute(workflow, inputs={"n": 5}))
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    # make -> grow (which imports a module only the image has) -> summarize, each a pod.
    assert execution.outputs.get("o2", as_type=str) == "['x', 'name', 'square']|30|note 5 (in the image)"
    assert execution.outputs.literals["o1"].scalar.blob.uri.startswith("s3://my-s3-bucket/data/")
    plugins = [a.closure.metadata.plugin_identifier for a in task_attempts(sandbox, execution.id.to_flyte_idl())]
    assert plugins == ["kubernetes"] * 3, plugins


def test_a_map_over_20_items_runs_one_pod_per_item_at_most_four_at_once(sandbox, cluster):
    remote = remote_of(sandbox)
    workflow = remote.fetch_workflow(name="incontainer.tasks.squares_wf", version=sandbox.version)
    execution = remote.execute(workflow, inputs={"xs": list(range(20))})
    at_once, seen = [], set()
    deadline = time.monotonic() + 600
    while not (execution := remote.sync(execution)).is_done:
        assert time.monotonic() < deadline, "the map did not finish"
        running = running_pods(cluster, execution.id.name)
        at_once.append(len(running))
        seen.update(running)
        time.sleep(0.2)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs.get("o0", as_type=list[int]) == [x * x for x in range(20)]
    assert max(at_once) == 4, at_once
    assert len(seen) >= 15, seen
    with cluster.agent.lock:  # each item's pod was made once
        made = {key: uids for key, uids in cluster.agent.uids.items() if execution.id.name in key}
    assert len(made) == 20 and all(len(uids) == 1 for uids in made.values()), made


def test_a_timeout_fails_the_attempt_and_deletes_its_pod(sandbox, cluster, image):
    remote = remote_of(sandbox)
    task = shell_task(image, "echo started; sleep 600", metadata=TaskMetadata(timeout=timedelta(seconds=4)))
    execution = remote.execute(task, inputs={}, version=unique("v"))
    deadline = time.monotonic() + 120
    while not running_pods(cluster, execution.id.name):
        assert time.monotonic() < deadline, "the pod never ran"
        time.sleep(0.2)
    execution = wait(remote, execution)
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    assert "timeout" in execution.closure.error.message.lower(), execution.closure.error
    deadline = time.monotonic() + 30
    while pods_of(cluster, execution.id.name) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pods_of(cluster, execution.id.name) == []


def test_terminating_an_execution_deletes_its_pod(sandbox, cluster, image):
    remote = remote_of(sandbox)
    execution = remote.execute(shell_task(image, "echo started; sleep 600"), inputs={}, version=unique("v"))
    deadline = time.monotonic() + 120
    while not running_pods(cluster, execution.id.name):
        assert time.monotonic() < deadline, "the pod never ran"
        time.sleep(0.2)
    remote.terminate(execution, cause="enough")
    execution = wait(remote, execution)
    assert execution.closure.phase == WorkflowExecutionPhase.ABORTED
    deadline = time.monotonic() + 30
    while pods_of(cluster, execution.id.name) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pods_of(cluster, execution.id.name) == []
    assert subprocess.run(["podman", "ps", "--quiet", "--filter", f"name={execution.id.name}"], capture_output=True,
                          text=True).stdout.strip() == ""


def test_an_image_that_cannot_be_pulled_fails_with_a_clear_error(sandbox, cluster):
    remote = remote_of(sandbox)
    missing = "localhost/flyte-e2e-not-there:" + unique("t").replace(".", "-")
    execution = wait(remote, remote.execute(shell_task(missing, "true"), inputs={}, version=unique("v")))
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    error = execution.closure.error
    assert "ImagePullBackOff" in error.code + error.message, error
    assert missing in error.message, error
    assert "Grace period [3s] exceeded" in error.message, error


def test_an_evicted_pod_is_tried_again_as_a_system_failure(sandbox, cluster, image):
    remote = remote_of(sandbox)
    task = shell_task(image, 'echo "attempt $FLYTE_ATTEMPT_NUMBER"; sleep 5; echo finished')
    execution = remote.execute(task, inputs={}, version=unique("v"))
    deadline = time.monotonic() + 120
    while not (running := running_pods(cluster, execution.id.name)):
        assert time.monotonic() < deadline, "the pod never ran"
        time.sleep(0.2)
    cluster.agent.evict(NAMESPACE, running[0])
    execution = wait(remote, execution)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    attempts = task_attempts(sandbox, execution.id.to_flyte_idl())
    assert [a.id.retry_attempt for a in attempts] == [0, 1]
    first = attempts[0].closure
    assert first.error.kind == first.error.SYSTEM and first.error.code == "Interrupted", first.error
    assert "Evicted" in first.error.message or "137" in first.error.message, first.error


def test_kill_9_while_pods_run_re_attaches_each_runs_it_once_and_deletes_orphans(tmp_path, cluster, image):
    state = tmp_path / "state"
    sb = start_kube_sandbox(tmp_path, cluster, state_dir=state)
    remote = remote_of(sb)
    sandbox_id = (state / "plugins" / "kubernetes" / "sandbox-id").read_text().strip()
    # A pod of this sandbox's that no attempt holds (as a kill -9 between an attempt's end and its
    # pod's deletion leaves one).
    orphan = {"apiVersion": "v1", "kind": "Pod",
              "metadata": {"name": unique("orphan").replace(".", "-"), "namespace": NAMESPACE,
                           "labels": {"flyte.org/sandbox": sandbox_id, "flyte.org/attempt-token": "gone"}},
              "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": image, "command": ["sleep", "600"]}]}}
    assert cluster.api("POST", f"/api/v1/namespaces/{NAMESPACE}/pods", json=orphan).status_code == 201
    # One runs across the restart; the other ends while the sandbox is down.
    long = remote.execute(shell_task(image, "echo started; sleep 8; echo finished"), inputs={}, version=unique("v"))
    short = remote.execute(shell_task(image, "echo quick; sleep 1; echo bye"), inputs={}, version=unique("v"))
    deadline = time.monotonic() + 120
    while not (running_pods(cluster, long.id.name) and running_pods(cluster, short.id.name)):
        assert time.monotonic() < deadline, "the tasks' pods never ran"
        time.sleep(0.1)
    time.sleep(0.5)  # their first lines reach the logs
    sb.stop(signal.SIGKILL, timeout=10)
    time.sleep(3)  # the short one ends meanwhile

    sb = start_kube_sandbox(tmp_path, cluster, state_dir=state, port=sb.port)
    try:
        for execution in (long, short):
            execution = wait(remote, execution)
            assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
            attempts = task_attempts(sb, execution.id.to_flyte_idl())
            assert len(attempts) == 1, attempts
            log = requests.get(attempts[0].closure.logs[0].uri, timeout=10).text
            first, last = ("started", "finished") if execution.id.name == long.id.name else ("quick", "bye")
            assert log.count(f"{first}\n") == 1 and log.count(f"{last}\n") == 1, log
            with cluster.agent.lock:  # each pod was made once
                made = [uids for key, uids in cluster.agent.uids.items() if execution.id.name in key]
            assert len(made) == 1 and len(made[0]) == 1, made
        deadline = time.monotonic() + 30
        while cluster.api("GET", f"/api/v1/namespaces/{NAMESPACE}/pods/{orphan['metadata']['name']}").status_code != 404:
            assert time.monotonic() < deadline, "the orphan pod was not deleted"
            time.sleep(0.2)
    finally:
        sb.stop_and_check()


def test_a_pod_template_shapes_the_pod(sandbox, cluster):
    remote = remote_of(sandbox)
    workflow = remote.fetch_workflow(name="inpods.templated.templated_wf", version=sandbox.version)
    execution = remote.execute(workflow, inputs={"x": 3})
    seen = []
    deadline = time.monotonic() + 120
    while not seen:
        assert time.monotonic() < deadline, "no pod"
        seen = pods_of(cluster, execution.id.name)
        time.sleep(0.1)
    execution = wait(remote, execution)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs.get("o0", as_type=str) == "3 yes"
    meta, spec = seen[0]["metadata"], seen[0]["spec"]
    assert meta["labels"]["team"] == "e2e" and meta["annotations"]["e2e/reason"] == "pod template", meta
    assert meta["annotations"]["primary_container_name"] == "primary"
    assert {"key": "e2e", "operator": "Exists", "effect": "NoSchedule"} in spec["tolerations"], spec
    primary = next(c for c in spec["containers"] if c["name"] == "primary")
    assert primary["resources"] == {"requests": {"cpu": "100m", "memory": "100Mi"},
                                    "limits": {"cpu": "1", "memory": "500Mi"}}, primary
    env = {item["name"]: item.get("value") for item in primary["env"]}
    assert env["FROM_TEMPLATE"] == "yes" and env["FLYTE_INTERNAL_EXECUTION_ID"] == execution.id.name
    assert primary["args"][0] == "pyflyte-fast-execute" and primary["args"][2].startswith("s3://"), primary["args"]


def first_pod(cluster, execution_name: str) -> dict:
    deadline = time.monotonic() + 120
    while not (seen := pods_of(cluster, execution_name)):
        assert time.monotonic() < deadline, "no pod"
        time.sleep(0.1)
    return seen[0]


def test_a_sidecar_task_runs_as_its_own_pod_with_its_second_container(sandbox, cluster):
    remote = remote_of(sandbox)
    task = remote.fetch_task(name="inpods.sidecar.with_sidecar", version=sandbox.version)
    assert task.template.type == "sidecar" and task.template.task_type_version == 2, task.template
    workflow = remote.fetch_workflow(name="inpods.sidecar.sidecar_wf", version=sandbox.version)
    execution = remote.execute(workflow, inputs={"x": 4})
    pod = first_pod(cluster, execution.id.name)
    execution = wait(remote, execution)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs.get("o0", as_type=str) == "4 beside a sidecar"
    assert [c["name"] for c in pod["spec"]["containers"]] == ["primary", "beside"]
    assert pod["metadata"]["annotations"]["primary_container_name"] == "primary"


def test_secrets_reach_a_python_task_as_a_variable_and_a_file(sandbox, cluster):
    data = {"password": "s3cret-pw", "token": "t0ken"}
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "e2e-db"},
              "data": {key: base64.b64encode(value.encode()).decode() for key, value in data.items()}}
    created = cluster.api("POST", f"/api/v1/namespaces/{NAMESPACE}/secrets", json=secret)
    assert created.status_code == 201, created.text
    remote = remote_of(sandbox)
    workflow = remote.fetch_workflow(name="inpods.secrets.secrets_wf", version=sandbox.version)
    execution = remote.execute(workflow, inputs={})
    pod = first_pod(cluster, execution.id.name)
    execution = wait(remote, execution)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    # flytekit found one in its variable, one in its file; the Secret that is not there is missing.
    assert execution.outputs.get("o0", as_type=str) == "s3cret-pw/t0ken/missing"
    spec = pod["spec"]
    container = spec["containers"][0]
    env = {item["name"]: item for item in container["env"]}
    assert env["_FSEC_E2E-DB_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "e2e-db", "key": "password",
                                                                         "optional": True}
    assert env["FLYTE_SECRETS_ENV_PREFIX"]["value"] == "_FSEC_"
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
    volumes = {volume["name"]: volume["secret"] for volume in spec["volumes"] if "secret" in volume}
    assert volumes[mounts["/etc/flyte/secrets/e2e-db"]]["items"] == [{"key": "token", "path": "token"}]
    assert volumes[mounts["/etc/flyte/secrets/e2e-absent"]]["secretName"] == "e2e-absent"
    assert "s3cret-pw" not in str(pod) and "t0ken" not in str(pod)  # references, never values


def test_a_named_pod_template_goes_beneath_the_pod_and_a_missing_one_fails_clearly(sandbox, cluster, image):
    template = {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "e2e-base"}, "template": {
        "metadata": {"labels": {"tier": "e2e-base"}},
        "spec": {"containers": [{"name": "default", "image": "registry.invalid/noop",
                                 "env": [{"name": "FROM_NAMED_TEMPLATE", "value": "yes"}]}],
                 "tolerations": [{"key": "e2e-base", "operator": "Exists"}]}}}
    created = cluster.api("POST", f"/api/v1/namespaces/{NAMESPACE}/podtemplates", json=template)
    assert created.status_code == 201, created.text
    remote = remote_of(sandbox)
    task = shell_task(image, 'echo "named=$FROM_NAMED_TEMPLATE"', pod_template_name="e2e-base")
    execution = remote.execute(task, inputs={}, version=unique("v"))
    pod = first_pod(cluster, execution.id.name)
    execution = wait(remote, execution)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert pod["metadata"]["labels"]["tier"] == "e2e-base"
    assert pod["metadata"]["labels"]["execution-id"] == execution.id.name
    assert {"key": "e2e-base", "operator": "Exists"} in pod["spec"]["tolerations"]
    [container] = pod["spec"]["containers"]  # the template's "default" is each container's base
    assert container["image"] == image
    text = "".join(path.read_text() for path in (sandbox.state_dir / "logs").glob(f"**/{execution.id.name}/**/task.log"))
    assert "named=yes\n" in text, text

    missing = shell_task(image, "echo never", pod_template_name="e2e-not-there")
    execution = wait(remote, remote.execute(missing, inputs={}, version=unique("v")))
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    assert f"PodTemplate 'e2e-not-there' does not exist in namespace {NAMESPACE}" in execution.closure.error.message, \
        execution.closure.error
    assert pods_of(cluster, execution.id.name) == []


def test_a_raw_container_whose_outputs_pass_as_files_fails_to_start_saying_why(sandbox, cluster, image):
    remote = remote_of(sandbox)
    task = ContainerTask(name=unique("kube.files"), image=image, command=["/bin/sh", "-c", "echo 7 > /var/outputs/y"],
                         outputs=kwtypes(y=int), output_data_dir="/var/outputs")
    execution = wait(remote, remote.execute(task, inputs={}, version=unique("v")))
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    message = execution.closure.error.message
    assert "outputs pass as files in /var/outputs" in message and "container plugin" in message, message
    assert pods_of(cluster, execution.id.name) == []  # nothing was made


def test_a_pod_pending_past_the_pending_timeout_fails_and_goes(tmp_path, cluster, image):
    sb = start_kube_sandbox(tmp_path, cluster, more="    pod_pending_timeout: 3s\n")
    try:
        remote = remote_of(sb)
        nowhere = PodTemplate(primary_container_name="primary",
                              pod_spec=V1PodSpec(containers=[V1Container(name="primary")],
                                                 node_selector={"disk": "none-such"}))
        task = shell_task(image, "echo never", pod_template=nowhere)
        execution = remote.execute(task, inputs={}, version=unique("v"))
        pod = first_pod(cluster, execution.id.name)
        assert pod["spec"]["nodeSelector"] == {"disk": "none-such"}
        execution = wait(remote, execution)
        assert execution.closure.phase == WorkflowExecutionPhase.FAILED
        [attempt] = task_attempts(sb, execution.id.to_flyte_idl())
        error = attempt.closure.error
        assert error.code == "PodPendingTimeout" and error.kind == error.USER, error
        assert "pod pending for more than 3s: Unschedulable:0/1 nodes are available" in error.message, error
        deadline = time.monotonic() + 30
        while pods_of(cluster, execution.id.name):
            assert time.monotonic() < deadline, "the pod was not deleted"
            time.sleep(0.2)
    finally:
        sb.stop_and_check()


def test_flyte2_actions_run_as_pods_and_a_parent_enqueues_its_children_from_its_pod(tmp_path, cluster, flyte2_image):
    sb = start_kube_sandbox(tmp_path, cluster)
    try:
        sb.env["FLYTE2_E2E_IMAGE"] = flyte2_image  # what lifecycle.py's tasks name as their image
        flyte_run(sb, "in-pods", "lifecycle.py", "places", "--n", "2")
        action = wait_for(sb, "in-pods", TERMINAL, timeout=240)
        assert action["status"]["phase"] == "ACTION_PHASE_SUCCEEDED", action
        data = connect(sb, "dataproxy.DataProxyService/GetActionData",
                       {"actionId": {"run": run_id("in-pods"), "name": "a0"}}).json()
        said = [item["scalar"]["primitive"]["stringValue"]
                for item in data["outputs"]["literals"][0]["value"]["collection"]["literals"]]
        assert said == ["parent in the image", "child 0 in the image", "child 1 in the image"]
        actions = actions_of(sb, "in-pods")
        assert len(actions) == 3 and all(a["status"]["phase"] == "ACTION_PHASE_SUCCEEDED" for a in actions.values())
        # Each action was a pod of the sandbox (created once: the agent saw one uid per name), gone once it ended.
        names = [key for key in cluster.agent.uids if key.startswith(f"{NAMESPACE}/in-pods-")]
        assert len(names) == 3, cluster.agent.uids.keys()
        assert all(len(cluster.agent.uids[name]) == 1 for name in names)
        assert pods_of(cluster, "in-pods") == []
    finally:
        sb.stop_and_check()


def test_teardown_deletes_the_pods_a_killed_sandbox_left(tmp_path, cluster, image):
    state = tmp_path / "state"
    sb = start_kube_sandbox(tmp_path, cluster, state_dir=state)
    execution = remote_of(sb).execute(shell_task(image, "sleep 600"), inputs={}, version=unique("v"))
    deadline = time.monotonic() + 120
    while not running_pods(cluster, execution.id.name):
        assert time.monotonic() < deadline, "the pod never ran"
        time.sleep(0.2)
    sb.stop(signal.SIGKILL, timeout=10)
    assert running_pods(cluster, execution.id.name)  # a killed sandbox leaves its pods
    teardown = run_flyte("sandbox", "teardown", "--yes", "--config", tmp_path / "sandbox.yaml", "--state-dir", state,
                         env=sb.env, timeout=60)
    assert teardown.returncode == 0, teardown.stderr
    assert "Deleted 1 task pod\n" in teardown.stdout, teardown.stdout
    deadline = time.monotonic() + 30
    while pods_of(cluster, execution.id.name):
        assert time.monotonic() < deadline, "the pod was not deleted"
        time.sleep(0.2)
    assert not state.exists()
