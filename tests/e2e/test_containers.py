"""The container plugin with a real engine: Debian's podman (runc) serving the Docker Engine API
on a socket of this module's own (`podman system service`), and a tiny image built here by
scripts/build-test-image.sh (nothing is pulled). flytekit's ContainerTask (task type
raw-container) runs in a container of its image: its output reaches /logs, its exit code fails
the node, a missing image fails it with a message naming the image, terminating the execution
stops and removes the container, task resources become the container's limits, a task over its
memory limit fails as OOMKilled, after a kill -9 of the sandbox running containers are
re-attached, ended ones judged by their exit code, and containers no attempt holds removed, and a
ContainerTask with input/output data folders gets its inputs as files and its outputs read back,
in a container and (with a host shell) as a local process. `sandbox stop` leaves no container
and `teardown` removes those a kill -9 left. With a second image, scripts/build-python-image.sh
(the test virtualenv's Python and flytekit), Python tasks routed to containers run there,
importing a module only the image has, and a map task runs one container per item within its
concurrency; a workflow mixes local-process and container tasks passing an int, a file and a
folder."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from e2e_support import (
    DOMAIN,
    FLYTE_BIN,
    FLYTEPROJ,
    PROJECT,
    RPC_TIMEOUT_S,
    VENV_BIN,
    run_flyte,
    run_pyflyte,
    start_sandbox,
    task_attempts,
    unique,
)
from flyteidl.admin import (
    matchable_resource_pb2,
    project_domain_attributes_pb2,
    task_execution_pb2,
)
from flytekit import ContainerTask, Resources, TaskMetadata, kwtypes
from flytekit.configuration import Config
from flytekit.models.core.execution import TaskExecutionPhase, WorkflowExecutionPhase
from flytekit.remote import FlyteRemote
from flytekit.types.file import FlyteFile

LABEL = "org.flyte.sandbox"


def podman(*args: str, timeout: float = 60) -> str:
    res = subprocess.run(["podman", *args], check=False, capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, res.stderr
    return res.stdout


@pytest.fixture(scope="module")
def engine_socket(tmp_path_factory) -> Path:
    """`podman system service` on a socket of this module's own, stopped at the end."""
    if shutil.which("podman") is None:
        pytest.fail("podman is not installed: run scripts/setup-test-env.sh")
    socket = tmp_path_factory.mktemp("podman") / "podman.sock"
    service = subprocess.Popen(["podman", "system", "service", "--time=0", f"unix://{socket}"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not socket.exists():
        assert service.poll() is None, service.stderr.read().decode()
        assert time.monotonic() < deadline, "podman system service did not create its socket"
        time.sleep(0.05)
    yield socket
    service.terminate()
    service.wait(timeout=30)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory, engine_socket, image):
    base = tmp_path_factory.mktemp("containers")
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n  containers:\n    socket: unix://{engine_socket}\n"
                      "    stop_grace: 1s\n")
    sb = start_sandbox(base, config=config)
    yield sb
    sb.stop_and_check()


@pytest.fixture(scope="module")
def remote(sandbox) -> FlyteRemote:
    return FlyteRemote(Config.auto(config_file=str(sandbox.config_path)), default_project=PROJECT,
                       default_domain=DOMAIN)


def shell_task(image: str, script: str) -> ContainerTask:
    return ContainerTask(name=unique("containers.shell"), image=image, command=["/bin/sh", "-c", script])


def run(remote, task: ContainerTask, timeout: float = 120):
    execution = remote.execute(task, inputs={}, version=unique("v"))
    return remote.wait(execution, timeout=timedelta(seconds=timeout), poll_interval=timedelta(seconds=0.5))


def containers_of(execution_name: str, *, running_only: bool = False) -> list[str]:
    args = ["ps", "--format", "{{.ID}}", "--filter", f"label={LABEL}.execution={PROJECT}/{DOMAIN}/{execution_name}"]
    return podman(*args if running_only else [*args, "--all"]).split()


def only_attempt(sandbox, execution) -> task_execution_pb2.TaskExecution:
    """The execution's one task execution, as the API serves it."""
    attempts = task_attempts(sandbox, execution.id.to_flyte_idl())
    assert len(attempts) == 1, attempts
    return attempts[0]


def test_the_banner_names_the_engine(sandbox, engine_socket):
    version = podman("version", "--format", "{{.Server.Version}}").strip()
    banner = sandbox.banner()
    assert f"Containers:     podman {version} (unix://{engine_socket}); in containers: raw-container" in banner, banner


def test_a_container_task_runs_in_its_image_and_its_output_reaches_the_logs(sandbox, remote, image):
    # /bin/busybox exists only in the image: the host has it elsewhere or not at all.
    task = shell_task(image, 'echo "hello from $FLYTE_INTERNAL_EXECUTION_ID"; ls /bin/busybox; echo oops >&2')
    execution = run(remote, task)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    attempt = only_attempt(sandbox, execution)
    assert attempt.closure.metadata.plugin_identifier == "container", attempt.closure
    log = requests.get(attempt.closure.logs[0].uri, timeout=10)
    assert log.status_code == 200
    assert f"hello from {execution.id.name}\n" in log.text
    assert "/bin/busybox\n" in log.text and "oops\n" in log.text
    assert containers_of(execution.id.name) == []  # removed once it ended


def test_a_failing_command_fails_the_node_with_its_exit_code(sandbox, remote, image):
    task = shell_task(image, "echo about to fail; exit 7")
    execution = run(remote, task)
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    assert "exited with code 7" in execution.closure.error.message, execution.closure.error.message
    assert "about to fail" in requests.get(only_attempt(sandbox, execution).closure.logs[0].uri, timeout=10).text
    assert containers_of(execution.id.name) == []


def test_a_missing_image_fails_with_a_message_naming_it(sandbox, remote):
    missing = "localhost/flyte-e2e-never-built:1"
    execution = run(remote, shell_task(missing, "true"), timeout=60)
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    message = execution.closure.error.message
    assert f'"{missing}"' in message and "never pulls" in message, message
    assert podman("images", "--quiet", missing).strip() == ""  # nothing was pulled


def test_terminate_stops_and_removes_the_container(sandbox, remote, image):
    task = shell_task(image, "echo started; sleep 600")
    execution = remote.execute(task, inputs={}, version=unique("v"))
    deadline = time.monotonic() + 60
    while not containers_of(execution.id.name, running_only=True):
        assert time.monotonic() < deadline, "the task's container never ran"
        time.sleep(0.2)
    remote.terminate(execution, "no longer needed")
    deadline = time.monotonic() + 30
    while containers_of(execution.id.name):
        assert time.monotonic() < deadline, "the container was not removed after terminate"
        time.sleep(0.2)
    execution = remote.wait(execution, timeout=timedelta(seconds=30), poll_interval=timedelta(seconds=0.5))
    assert execution.closure.phase == WorkflowExecutionPhase.ABORTED


def test_a_timeout_stops_and_removes_the_container(sandbox, remote, image):
    task = ContainerTask(name=unique("containers.slow"), image=image, command=["/bin/sh", "-c", "echo started; sleep 600"],
                         metadata=TaskMetadata(timeout=timedelta(seconds=10)))
    started = time.monotonic()
    execution = run(remote, task)
    assert time.monotonic() - started < 60
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    assert "timeout" in execution.closure.error.message.lower(), execution.closure.error.message
    # What it printed before it was stopped is in its log (a followed log reached the file only
    # 16 KiB at a time, or when the container ended).
    assert "started" in requests.get(only_attempt(sandbox, execution).closure.logs[0].uri, timeout=10).text
    deadline = time.monotonic() + 30
    while containers_of(execution.id.name):
        assert time.monotonic() < deadline, "the container was not removed after its timeout"
        time.sleep(0.2)


def test_a_failed_attempt_is_retried_in_a_new_container(sandbox, remote, image):
    # Each attempt knows its number (FLYTE_ATTEMPT_NUMBER, as propeller sets it): the first fails.
    script = 'echo "attempt $FLYTE_ATTEMPT_NUMBER"; [ "$FLYTE_ATTEMPT_NUMBER" != 0 ] || exit 3'
    task = ContainerTask(name=unique("containers.flaky"), image=image, command=["/bin/sh", "-c", script],
                         metadata=TaskMetadata(retries=2))
    execution = run(remote, task)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    attempts = sorted(task_attempts(sandbox, execution.id.to_flyte_idl()), key=lambda a: a.id.retry_attempt)
    assert [a.closure.phase for a in attempts] == [TaskExecutionPhase.FAILED, TaskExecutionPhase.SUCCEEDED]
    logs = [requests.get(a.closure.logs[0].uri, timeout=10).text for a in attempts]
    assert "attempt 0" in logs[0] and "attempt 1" in logs[1], logs
    assert containers_of(execution.id.name) == []


def test_kill_9_while_containers_run_re_attaches_each_and_removes_orphans(tmp_path_factory, engine_socket, image):
    base = tmp_path_factory.mktemp("containers-crash")
    state = base / "state"
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n  containers:\n    socket: unix://{engine_socket}\n"
                      "    stop_grace: 1s\n")
    sb = start_sandbox(base, config=config, state_dir=state)
    remote = FlyteRemote(Config.auto(config_file=str(sb.config_path)), default_project=PROJECT, default_domain=DOMAIN)
    # A container of this sandbox's that no attempt holds (as a kill -9 between an attempt's end
    # and its container's removal leaves one).
    orphan = podman("run", "-d", "--label", f"{LABEL}.state={state}", "--label", f"{LABEL}.token=gone", image,
                    "sleep", "600").strip()
    # One runs across the restart; the other ends (with code 3) while the sandbox is down.
    long = remote.execute(shell_task(image, "echo started; sleep 6; echo finished"), inputs={}, version=unique("v"))
    short = remote.execute(shell_task(image, "echo quick; sleep 1; exit 3"), inputs={}, version=unique("v"))
    deadline = time.monotonic() + 60
    while not (containers_of(long.id.name, running_only=True) and containers_of(short.id.name, running_only=True)):
        assert time.monotonic() < deadline, "the tasks' containers never ran"
        time.sleep(0.1)
    time.sleep(0.5)  # their first lines reach the logs
    sb.stop(signal.SIGKILL, timeout=10)
    time.sleep(2)  # the short one ends meanwhile

    sb = start_sandbox(base, config=config, state_dir=state, port=sb.port)
    try:
        long = remote.wait(long, timeout=timedelta(seconds=60), poll_interval=timedelta(seconds=0.5))
        short = remote.wait(short, timeout=timedelta(seconds=60), poll_interval=timedelta(seconds=0.5))
        assert long.closure.phase == WorkflowExecutionPhase.SUCCEEDED, long.closure.error
        assert short.closure.phase == WorkflowExecutionPhase.FAILED
        assert "exited with code 3" in short.closure.error.message, short.closure.error.message
        # Each ran once (one attempt each; a second run would print its first line again), and the
        # log of the re-attached one goes on where it stopped: every line once.
        long_log = requests.get(only_attempt(sb, long).closure.logs[0].uri, timeout=10).text
        assert long_log.count("started\n") == 1 and long_log.count("finished\n") == 1, long_log
        short_log = requests.get(only_attempt(sb, short).closure.logs[0].uri, timeout=10).text
        assert short_log.count("quick\n") == 1, short_log
        deadline = time.monotonic() + 30
        while podman("ps", "--all", "--quiet", "--filter", f"id={orphan}").strip():
            assert time.monotonic() < deadline, "the orphan container was not removed"
            time.sleep(0.2)
        assert containers_of(long.id.name) == [] and containers_of(short.id.name) == []
    finally:
        sb.stop_and_check()
        subprocess.run(["podman", "rm", "--force", orphan], check=False, capture_output=True)


def test_a_task_without_resources_runs_limited_to_the_task_resource_attributes(sandbox, remote, image):
    """Project-domain TASK_RESOURCE attributes (what `flytectl update task-resource-attribute` stores): a
    ContainerTask that sets no resources gets their defaults as requests and limits at launch, and its container
    runs limited to them (cgroup v1 here, as `podman info` says)."""
    pd = project_domain_attributes_pb2
    defaults = matchable_resource_pb2.TaskResourceSpec(cpu="500m", memory="64Mi")
    sandbox.admin().UpdateProjectDomainAttributes(pd.ProjectDomainAttributesUpdateRequest(
        attributes=pd.ProjectDomainAttributes(project=PROJECT, domain=DOMAIN, matching_attributes=(
            matchable_resource_pb2.MatchingAttributes(
                task_resource_attributes=matchable_resource_pb2.TaskResourceAttributes(defaults=defaults))))),
        timeout=RPC_TIMEOUT_S)
    try:
        task = shell_task(image, "cd /sys/fs/cgroup && cat memory/memory.limit_in_bytes cpu/cpu.cfs_quota_us "
                                 "cpu/cpu.cfs_period_us")
        execution = run(remote, task)
    finally:
        sandbox.admin().DeleteProjectDomainAttributes(pd.ProjectDomainAttributesDeleteRequest(
            project=PROJECT, domain=DOMAIN, resource_type=matchable_resource_pb2.TASK_RESOURCE), timeout=RPC_TIMEOUT_S)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    log = requests.get(only_attempt(sandbox, execution).closure.logs[0].uri, timeout=10).text
    assert log.split() == [str(64 << 20), "50000", "100000"], log  # 64Mi; half of each cpu period


def test_a_task_over_its_memory_limit_fails_as_oomkilled(sandbox, remote, image):
    # dd's one block is a 256 MiB buffer: far beyond the 32Mi the task allows itself.
    task = ContainerTask(name=unique("containers.hog"), image=image, limits=Resources(mem="32Mi"),
                         command=["/bin/sh", "-c", "echo allocating; exec dd if=/dev/zero of=/dev/null bs=256M count=1"])
    execution = run(remote, task)
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED, execution.closure
    assert "OOMKilled" in execution.closure.error.message, execution.closure.error
    attempt = only_attempt(sandbox, execution)  # a user error: the task's retries (none) apply, not system ones
    assert attempt.closure.error.code == "OOMKilled", attempt.closure.error
    assert "memory limit of 32Mi" in attempt.closure.error.message, attempt.closure.error
    log = requests.get(attempt.closure.logs[0].uri, timeout=10).text
    assert "allocating" in log and "Reason [OOMKilled]" in log, log
    assert containers_of(execution.id.name) == []


# Reads each input from its file (and the whole map from inputs.json), writes each output to its
# file: as a script written for Flyte's copilot on a cluster would.
DATA_SCRIPT = (
    'cd /var/inputs && cat inputs.json && echo && '
    'echo $(( $(cat n) * 2 )) > /var/outputs/total && '
    'printf "%s-%s-%s" "$(cat word)" "$(cat x)" "$(cat flag)" > /var/outputs/shout && '
    'cp doc /var/outputs/copy && echo " (seen by {{.inputs.word}})" >> /var/outputs/copy'
)


def data_task(image: str) -> ContainerTask:
    return ContainerTask(name=unique("containers.data"), image=image, input_data_dir="/var/inputs",
                         output_data_dir="/var/outputs",
                         inputs=kwtypes(n=int, word=str, x=float, flag=bool, doc=FlyteFile),
                         outputs=kwtypes(total=int, shout=str, copy=FlyteFile),
                         command=["/bin/sh", "-c", DATA_SCRIPT])


def run_data_task(sandbox, task: ContainerTask, tmp_path: Path, plugin: str) -> None:
    # A remote of its own: flytekit uploads the file through the client of the remote made last
    # (another test's, whose sandbox may be gone).
    remote = FlyteRemote(Config.auto(config_file=str(sandbox.config_path)), default_project=PROJECT,
                         default_domain=DOMAIN)
    doc = tmp_path / "doc.txt"
    doc.write_text("uploaded by the test")
    execution = remote.execute(task, inputs={"n": 21, "word": "hi", "x": 2.5, "flag": True, "doc": FlyteFile(str(doc))},
                               version=unique("v"))
    execution = remote.wait(execution, timeout=timedelta(seconds=120), poll_interval=timedelta(seconds=0.5))
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    attempt = only_attempt(sandbox, execution)
    assert attempt.closure.metadata.plugin_identifier == plugin, attempt.closure
    log = requests.get(attempt.closure.logs[0].uri, timeout=10).text
    assert '"n":21' in log and '"word":"hi"' in log and '"x":2.5' in log and '"flag":true' in log, log
    out = execution.outputs
    assert out.get("total", as_type=int) == 42
    assert out.get("shout", as_type=str) == "hi-2.5-true"
    with open(out.get("copy", as_type=FlyteFile).download()) as f:
        assert f.read() == "uploaded by the test (seen by hi)\n"


def test_a_container_task_gets_its_inputs_as_files_and_its_outputs_are_read_back(sandbox, image, tmp_path):
    run_data_task(sandbox, data_task(image), tmp_path, "container")


def test_a_container_task_with_data_folders_runs_as_a_local_process_with_a_host_shell(tmp_path_factory, image,
                                                                                        tmp_path):
    """`tasks.plugins` sends raw containers to the local plugin: /var/inputs and /var/outputs in the
    command line become folders of the attempt's on this machine."""
    base = tmp_path_factory.mktemp("containers-local")
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n  plugins:\n    default: local\n")
    sb = start_sandbox(base, config=config)
    try:
        run_data_task(sb, data_task(image), tmp_path, "local")
    finally:
        sb.stop_and_check()


def test_a_container_task_that_writes_no_output_fails_saying_which(sandbox, remote, image):
    task = ContainerTask(name=unique("containers.nodata"), image=image, input_data_dir="/var/inputs",
                         output_data_dir="/var/outputs", inputs=kwtypes(n=int), outputs=kwtypes(total=int),
                         command=["/bin/sh", "-c", "echo forgot to write"])
    execution = remote.execute(task, inputs={"n": 1}, version=unique("v"))
    execution = remote.wait(execution, timeout=timedelta(seconds=120), poll_interval=timedelta(seconds=0.5))
    assert execution.closure.phase == WorkflowExecutionPhase.FAILED
    message = execution.closure.error.message
    assert "OutputUploadFailed" in message and "file not found at path [/var/outputs/total]" in message, message


def containers_of_state(state: Path) -> list[str]:
    return podman("ps", "--all", "--quiet", "--filter", f"label={LABEL}.state={state}").split()


def test_stop_leaves_no_container_and_teardown_removes_those_a_kill_left(tmp_path_factory, engine_socket, image):
    base = tmp_path_factory.mktemp("containers-stop")
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n  containers:\n    socket: unix://{engine_socket}\n"
                      "    stop_grace: 1s\n")

    def start_one_long_task(state: Path):
        sb = start_sandbox(base, config=config, state_dir=state)
        remote = FlyteRemote(Config.auto(config_file=str(sb.config_path)), default_project=PROJECT,
                             default_domain=DOMAIN)
        execution = remote.execute(shell_task(image, "sleep 600"), inputs={}, version=unique("v"))
        deadline = time.monotonic() + 60
        while not containers_of(execution.id.name, running_only=True):
            assert time.monotonic() < deadline, "the task's container never ran"
            time.sleep(0.1)
        return sb

    state = base / "stopped"
    sb = start_one_long_task(state)
    try:
        # The server is this test's child: reaped here while `flyte sandbox stop` waits for it to go.
        stop = subprocess.Popen([str(FLYTE_BIN), "sandbox", "stop", "--state-dir", str(state)], env=sb.env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sb.proc.wait(timeout=60)
        _, stderr = stop.communicate(timeout=30)
        assert stop.returncode == 0, stderr
        assert containers_of_state(state) == []  # stopped and removed before the sandbox exited
    finally:
        sb.stop(signal.SIGKILL, timeout=10)

    # A sandbox killed outright leaves its container running; teardown finds it by its label.
    state = base / "killed"
    sb = start_one_long_task(state)
    try:
        sb.stop(signal.SIGKILL, timeout=10)
        assert len(containers_of_state(state)) == 1
        teardown = run_flyte("sandbox", "teardown", "--yes", "--config", config, "--state-dir", state, env=sb.env,
                             timeout=60)
        assert teardown.returncode == 0, teardown.stderr
        assert "Removed 1 task container\n" in teardown.stdout, teardown.stdout
        assert containers_of_state(state) == [] and not state.exists()
    finally:
        for container in containers_of_state(state):
            subprocess.run(["podman", "rm", "--force", container], check=False, capture_output=True)


@pytest.fixture(scope="module")
def python_sandbox(tmp_path_factory, engine_socket, python_image):
    """A sandbox that runs Python tasks in containers, tests/e2e/flyteproj/incontainer registered
    with the Python test image as the tasks' image."""
    base = tmp_path_factory.mktemp("containers-python")
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n  plugins:\n    python-task: container\n"
                      f"  containers:\n    socket: unix://{engine_socket}\n    stop_grace: 1s\n")
    sb = start_sandbox(base, config=config)
    version = unique("v")
    res = run_pyflyte(sb, "--config", sb.config_path, "register", "--project", PROJECT, "--domain", DOMAIN,
                      "--version", version, "--image", python_image, "--destination-dir", ".", "incontainer",
                      cwd=FLYTEPROJ)
    assert res.returncode == 0, res.output
    sb.version = version
    yield sb
    sb.stop_and_check()


def python_remote(sb) -> FlyteRemote:
    return FlyteRemote(Config.auto(config_file=str(sb.config_path)), default_project=PROJECT, default_domain=DOMAIN)


def test_a_python_task_runs_in_its_image_importing_what_only_the_image_has(python_sandbox):
    remote = python_remote(python_sandbox)
    workflow = remote.fetch_workflow(name="incontainer.tasks.where_wf", version=python_sandbox.version)
    execution = remote.execute(workflow, inputs={})
    execution = remote.wait(execution, timeout=timedelta(seconds=180), poll_interval=timedelta(seconds=0.5))
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs.get("o0", as_type=str) == "in the image"
    attempt = only_attempt(python_sandbox, execution)
    assert attempt.closure.metadata.plugin_identifier == "container", attempt.closure


def test_a_map_task_runs_one_container_per_item_at_most_four_at_once(python_sandbox):
    remote = python_remote(python_sandbox)
    workflow = remote.fetch_workflow(name="incontainer.tasks.squares_wf", version=python_sandbox.version)
    execution = remote.execute(workflow, inputs={"xs": list(range(20))})
    running_at_once: list[int] = []
    seen: set[str] = set()
    deadline = time.monotonic() + 600  # each item starts Python and flytekit: ~30 s on a busy 2-core machine
    while True:
        execution = remote.sync(execution)
        if execution.is_done:
            break
        assert time.monotonic() < deadline, "the map did not finish"
        running = containers_of(execution.id.name, running_only=True)
        running_at_once.append(len(running))
        seen.update(running)
        time.sleep(0.1)
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    assert execution.outputs.get("o0", as_type=list[int]) == [x * x for x in range(20)]  # in order
    assert max(running_at_once) == 4, running_at_once  # concurrency 4, and reached
    assert len(seen) >= 15, seen  # one container per item (a quick one may come and go unseen)
    assert containers_of(execution.id.name) == []


def test_a_workflow_mixes_local_and_container_tasks_passing_an_int_a_file_and_a_folder(sandbox, image):
    version = unique("v")
    res = run_pyflyte(sandbox, "--config", sandbox.config_path, "register", "--project", PROJECT, "--domain", DOMAIN,
                      "--version", version, "--destination-dir", ".", "incontainer", cwd=FLYTEPROJ,
                      env={"FLYTE_E2E_BUSYBOX_IMAGE": image})
    assert res.returncode == 0, res.output
    remote = python_remote(sandbox)
    workflow = remote.fetch_workflow(name="incontainer.mixed.mixed_wf", version=version)
    execution = remote.execute(workflow, inputs={"n": 4})
    execution = remote.wait(execution, timeout=timedelta(seconds=300), poll_interval=timedelta(seconds=0.5))
    assert execution.closure.phase == WorkflowExecutionPhase.SUCCEEDED, execution.closure.error
    # make: 5, "note 4", {a.txt, sub/b.txt}; the container: 50, a line added, a listing added.
    assert execution.outputs.get("o0", as_type=str) == "50|note 4 (container)\n|a.txt,listing.txt,sub/b.txt"
    plugins = sorted(a.closure.metadata.plugin_identifier for a in task_attempts(sandbox, execution.id.to_flyte_idl()))
    assert plugins == ["container", "local", "local"], plugins
