"""Flyte 2 actions in containers, with the real `flyte` CLI and SDK and real podman: with
`tasks.plugins: {python: container}` (task type `python` is Flyte 2's; Flyte 1's `python-task`
stays a local process), each action runs `a0` in a container of its task's image, built here from
.venv-flyte2 by scripts/build-python-image.sh (nothing is pulled). A parent in its container
reaches the sandbox's API (it enqueues its children and watches them) and its children run in
containers of their own; a kill -9 of the sandbox while children's containers run loses nothing:
after the restart they are re-attached, the run succeeds and each child ran once. Flyte 1 tasks run
beside them in the same sandbox, through the same plugins."""

from __future__ import annotations

import signal
import time
from collections import Counter

from e2e_support import DOMAIN, FLYTE2_BIN, PROJECT, VENV_BIN, run_hello_wf, task_attempts
from flyteidl.core import identifier_pb2
from flyte2_support import TERMINAL, actions_of, connect, flyte_run, output_of, run_id, wait_for
from test_containers import containers_of_state, engine_socket  # noqa: F401 (a fixture)

SUCCEEDED = "ACTION_PHASE_SUCCEEDED"


def container_config(base, socket) -> object:
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n  flyte2_path: [{FLYTE2_BIN}]\n  plugins:\n    python: container\n"
                      f"  containers:\n    socket: unix://{socket}\n    stop_grace: 1s\n")
    return config


def started(sandbox_factory, base, config, image, **kwargs):
    sandbox = sandbox_factory.start(base=base, config=config, **kwargs)
    sandbox.env["FLYTE2_E2E_IMAGE"] = image  # what lifecycle.py's tasks name as their image
    return sandbox


def v1_plugins(sandbox, execution: str) -> list[str]:
    """The plugin that ran each task attempt of a Flyte 1 execution."""
    execution_id = identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=execution)
    return sorted(attempt.closure.metadata.plugin_identifier for attempt in task_attempts(sandbox, execution_id))


def test_a_parent_and_its_children_run_in_containers_of_their_image(sandbox_factory, engine_socket,  # noqa: F811
                                                                     flyte2_image):
    base = sandbox_factory.new_dir("flyte2-containers")
    sandbox = started(sandbox_factory, base, container_config(base, engine_socket), flyte2_image)
    flyte_run(sandbox, "in-containers", "lifecycle.py", "places", "--n", "3")
    action = wait_for(sandbox, "in-containers", TERMINAL, timeout=240)
    assert action["status"]["phase"] == SUCCEEDED, action
    data = connect(sandbox, "dataproxy.DataProxyService/GetActionData",
                   {"actionId": {"run": run_id("in-containers"), "name": "a0"}}).json()
    said = [item["scalar"]["primitive"]["stringValue"]
            for item in data["outputs"]["literals"][0]["value"]["collection"]["literals"]]
    assert said == ["parent in the image", "child 0 in the image", "child 1 in the image", "child 2 in the image"]
    actions = actions_of(sandbox, "in-containers")
    assert len(actions) == 4 and all(a["status"]["phase"] == SUCCEEDED for a in actions.values()), actions
    # Each container is gone once its action ended.
    assert containers_of_state(sandbox.state_dir) == []

    # Flyte 1's Python tasks stay local processes in the same sandbox (task type python-task).
    execution = run_hello_wf(sandbox)
    assert set(v1_plugins(sandbox, execution)) == {"local"}


def test_a_kill_9_while_children_run_in_containers_loses_none_and_runs_each_once(sandbox_factory,
                                                                                 engine_socket,  # noqa: F811
                                                                                 flyte2_image):
    base = sandbox_factory.new_dir("flyte2-containers-kill")
    state = base / "state"
    config = container_config(base, engine_socket)
    first = started(sandbox_factory, base / "first", config, flyte2_image, state_dir=state, home=base / "home")
    # The store is mounted in every container at its own path: the children write the marker there.
    marker = state / "blobs" / "sleepers.txt"
    flyte_run(first, "containers-kill", "lifecycle.py", "sleepers", "--marker", str(marker), "--n", "4",
              "--seconds", "6")
    deadline = time.monotonic() + 240
    while sum(line.startswith("start") for line in lines(marker)) < 2:
        assert time.monotonic() < deadline, f"no children started: {lines(marker)}"
        time.sleep(0.2)
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(10)
    assert sum(line.startswith("end") for line in lines(marker)) < 4, "every child ended before the kill"
    assert containers_of_state(state), "the kill left no container running"

    second = started(sandbox_factory, base / "second", config, flyte2_image, state_dir=state, home=base / "home",
                     port=first.port)
    action = wait_for(second, "containers-kill", TERMINAL, timeout=300)
    assert action["status"]["phase"] == SUCCEEDED, action
    assert output_of(second, "containers-kill") == {"integer": str(sum(range(4)))}
    kids = [a for name, a in actions_of(second, "containers-kill").items() if name != "a0"]
    assert len(kids) == 4
    assert all(k["status"]["phase"] == SUCCEEDED and k["status"]["attempts"] == 1 for k in kids), kids
    assert Counter(lines(marker)) == Counter([f"start {i}" for i in range(4)] + [f"end {i}" for i in range(4)])
    assert containers_of_state(state) == []


def lines(marker) -> list[str]:
    return marker.read_text().splitlines() if marker.exists() else []
