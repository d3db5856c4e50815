"""Helpers shared by the end-to-end tests: start/stop the real `flyte` binary, run pyflyte,
build minimal FlyteIDL entities and call the gRPC API."""

from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import grpc
import pytest
import requests
from flyteidl.admin import common_pb2, launch_plan_pb2, node_execution_pb2, task_execution_pb2, task_pb2
from flyteidl.admin import workflow_pb2 as admin_workflow_pb2
from flyteidl.core import (
    identifier_pb2,
    interface_pb2,
    literals_pb2,
    tasks_pb2,
    types_pb2,
    workflow_pb2,
)
from flyteidl.service import admin_pb2_grpc, dataproxy_pb2_grpc

REPO_ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
FLYTEPROJ = E2E_DIR / "flyteproj"
FLYTE2PROJ = E2E_DIR / "flyte2proj"
FLYTE2_BIN = REPO_ROOT / ".venv-flyte2" / "bin"
FLYTE2 = FLYTE2_BIN / "flyte"
VENV_BIN = REPO_ROOT / ".venv" / "bin"
FLYTE_BIN = Path(os.environ.get("FLYTE_BIN", str(REPO_ROOT / "build" / "src" / "flyte"))).resolve()

PROJECT = "flytesnacks"
DOMAIN = "development"
DOMAINS = ("development", "staging", "production")
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 15.0
RPC_TIMEOUT_S = 10.0


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    """A port that was free a moment ago (the CLI cannot bind port 0 and report it yet), below the
    kernel's ephemeral range: a port from that range can be taken while a test's sandbox is down
    (killed, about to restart on the same port) by any outgoing connection, even by a client
    reconnecting to that very port (a TCP self-connect), and the restart then finds it in use."""
    low, _ = (int(v) for v in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    for _ in range(200):
        port = random.randint(10000, max(10001, low - 1))
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def sockets_on(port: int) -> str:
    """What holds a local TCP port, with the owning processes: to name the holder when a sandbox
    cannot bind its port."""
    shown = subprocess.run(["ss", "-tanp", f"( sport = :{port} )"], capture_output=True, text=True, check=False)
    return shown.stdout + shown.stderr


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def healthz_status(port: int, host: str = "127.0.0.1") -> Optional[int]:
    """HTTP status of GET /healthz, or None when nothing answers."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=1) as rsp:
            return rsp.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, ConnectionError, socket.timeout, OSError):
        return None


def clean_env(home: Path, extra: Optional[dict] = None) -> dict:
    """The caller's environment without Flyte client settings, with HOME replaced."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLYTE_", "FLYTECTL_", "_FLYTECTL", "PYTEST_"))
    }
    env.update(
        HOME=str(home),
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
        PYTHONUNBUFFERED="1",
        # Keep pyflyte's rich output on long lines and free of colour codes.
        COLUMNS="250",
        NO_COLOR="1",
        TERM="dumb",
    )
    if extra:
        env.update(extra)
    return env


def write_client_config(path: Path, port: int, host: str = "localhost") -> Path:
    path.write_text(f"admin:\n  endpoint: dns:///{host}:{port}\n  insecure: true\n")
    return path


@dataclass
class Sandbox:
    """A running `flyte sandbox start` process and how to reach it."""

    proc: subprocess.Popen
    port: int
    state_dir: Path
    home: Path
    config_path: Path  # flytectl-style client config (admin.endpoint dns:///HOST:PORT)
    env: dict  # environment for client subprocesses (HOME, FLYTECTL_CONFIG, PATH with the venv)
    stdout_path: Path
    stderr_path: Path
    host: str = "localhost"  # where clients dial: the bind address unless that is loopback
    _channel: Optional[grpc.Channel] = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def http(self) -> str:
        return f"http://{self.host}:{self.port}"

    def channel(self) -> grpc.Channel:
        if self._channel is None:
            self._channel = grpc.insecure_channel(self.endpoint)
        return self._channel

    def admin(self) -> admin_pb2_grpc.AdminServiceStub:
        return admin_pb2_grpc.AdminServiceStub(self.channel())

    def dataproxy(self) -> dataproxy_pb2_grpc.DataProxyServiceStub:
        return dataproxy_pb2_grpc.DataProxyServiceStub(self.channel())

    def banner(self, timeout: float = 10.0) -> str:
        """The banner `sandbox start` prints on stdout. It follows the first /healthz answer, so this
        waits for its last line."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.stdout_path.read_text(errors="replace")
            if "export FLYTECTL_CONFIG=" in text or time.monotonic() > deadline:
                return text
            time.sleep(0.02)

    def stderr_tail(self, limit: int = 4000) -> str:
        try:
            text = self.stderr_path.read_text(errors="replace")
        except OSError:
            return "<no stderr>"
        return text[-limit:]

    def close_channel(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT_S) -> Optional[int]:
        """Signals the server and waits. Returns its exit code, or None if it had to be killed."""
        self.close_channel()
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def stop_and_check(self) -> None:
        rc = self.stop()
        assert rc == 0, (
            f"flyte on port {self.port} did not shut down cleanly on SIGTERM "
            f"(exit {'timeout, killed' if rc is None else rc}); stderr:\n{self.stderr_tail()}"
        )


class SandboxStartError(Exception):
    pass


def sandbox_command(port: int, state_dir: Path, config: Optional[Path] = None, extra_args: Sequence[str] = (),
                    bind: str = "127.0.0.1") -> list:
    # The S3 port is any free one unless a test names it (test_s3.py): sandboxes started side by
    # side must not all reach for 30002.
    s3_port = [] if "--s3-port" in extra_args else ["--s3-port", "0"]
    cmd = [
        str(FLYTE_BIN), "sandbox", "start",
        *s3_port,
        "--port", str(port),
        "--bind", bind,
        "--state-dir", str(state_dir),
    ]
    if config is not None:
        cmd += ["--config", str(config)]
    cmd += list(extra_args)
    return cmd


def start_sandbox(
    base: Path,
    *,
    state_dir: Optional[Path] = None,
    home: Optional[Path] = None,
    port: Optional[int] = None,
    config: Optional[Path] = None,
    extra_args: Sequence[str] = (),
    timeout: float = START_TIMEOUT_S,
    bind: str = "127.0.0.1",
) -> Sandbox:
    """Starts `flyte sandbox start` in the foreground and waits for /healthz.
    Fails the test with the server's stderr if it exits or does not become healthy."""
    host = "localhost" if bind in ("127.0.0.1", "0.0.0.0") else bind
    base.mkdir(parents=True, exist_ok=True)
    state_dir = state_dir or base / "state"
    home = home or base / "home"
    home.mkdir(parents=True, exist_ok=True)
    attempts = 1 if port is not None else 3
    last_error = ""
    for attempt in range(attempts):
        p = port if port is not None else free_port()
        stdout_path = base / f"server-{p}.stdout"
        stderr_path = base / f"server-{p}.stderr"
        with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
            proc = subprocess.Popen(
                sandbox_command(p, state_dir, config, extra_args, bind),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=clean_env(home),
                cwd=str(base),
            )
        cfg = write_client_config(base / f"client-config-{p}.yaml", p, host)
        sb = Sandbox(
            proc=proc,
            port=p,
            state_dir=state_dir,
            home=home,
            config_path=cfg,
            env=clean_env(home, {"FLYTECTL_CONFIG": str(cfg)}),
            stdout_path=stdout_path,
            stderr_path=stderr_path,
            host=host,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                last_error = f"flyte exited with {proc.returncode} before serving; stderr:\n{sb.stderr_tail()}"
                break
            if healthz_status(p, "127.0.0.1" if host == "localhost" else host) == 200:
                return sb
            time.sleep(0.05)
        else:
            sb.stop(signal.SIGKILL, timeout=5)
            pytest.fail(f"flyte did not answer GET /healthz within {timeout}s on port {p}; stderr:\n{sb.stderr_tail()}")
        # Exited early: retry only the free-port race, never a genuine start-up failure.
        in_use = "in use" in sb.stderr_tail().lower()
        if port is None and in_use and attempt + 1 < attempts:
            continue
        if in_use:
            last_error += f"\nsockets on port {p} (ss -tanp):\n{sockets_on(p)}"
        pytest.fail(last_error)
    pytest.fail(last_error)


def run_flyte(*args, env: dict, timeout: float = 30, cwd=None) -> subprocess.CompletedProcess:
    """Runs the flyte CLI to completion (never a foreground server)."""
    return subprocess.run(
        [str(FLYTE_BIN), *map(str, args)],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_pyflyte(sb: Sandbox, *args, cwd=None, timeout: float = 300, env: Optional[dict] = None
                ) -> subprocess.CompletedProcess:
    """Runs the venv's pyflyte with the sandbox's client environment (plus `env`).
    The result has `.output` = stdout + stderr."""
    res = subprocess.run(
        [str(VENV_BIN / "pyflyte"), *map(str, args)],
        env={**sb.env, **(env or {})},
        cwd=str(cwd) if cwd else None,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    res.output = (res.stdout or "") + "\n" + (res.stderr or "")
    return res


def flyte2(sb: Sandbox, *args, check: bool = True, cwd=None, timeout: float = 60) -> subprocess.CompletedProcess:
    """The Flyte 2 `flyte` CLI (.venv-flyte2) with the sandbox's client config (admin.endpoint,
    insecure), as a user runs it."""
    result = subprocess.run([str(FLYTE2), "-c", str(sb.config_path), *map(str, args)], env=sb.env,
                            cwd=str(cwd or sb.home), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=timeout, check=False)
    if check:
        assert result.returncode == 0, f"exit code {result.returncode}\n{result.stdout}{result.stderr}"
    return result


def task_attempts(sb: Sandbox, execution_id: identifier_pb2.WorkflowExecutionIdentifier) -> list:
    """Every task execution (attempt) of every node of an execution, as the gRPC API serves them."""
    admin = sb.admin()
    nodes = admin.ListNodeExecutions(node_execution_pb2.NodeExecutionListRequest(
        workflow_execution_id=execution_id, limit=100), timeout=RPC_TIMEOUT_S).node_executions
    return [attempt for node in nodes for attempt in admin.ListTaskExecutions(
        task_execution_pb2.TaskExecutionListRequest(node_execution_id=node.id, limit=100),
        timeout=RPC_TIMEOUT_S).task_executions]


def run_hello_wf(sb: Sandbox) -> str:
    """`pyflyte run --remote --wait` of runs/workflows.py's hello_wf; the execution's name, once it
    SUCCEEDED."""
    res = run_pyflyte(sb, "--config", sb.config_path, "run", "--remote", "--wait", "--poll-interval", "1",
                      "--project", PROJECT, "--domain", DOMAIN, "runs/workflows.py", "hello_wf", "--name", "v1",
                      cwd=FLYTEPROJ)
    assert res.returncode == 0, res.output
    execution = re.search(r"/executions/([a-z0-9]+)", res.output)
    assert execution, res.output
    got = requests.get(f"{sb.http}/api/v1/executions/{PROJECT}/{DOMAIN}/{execution.group(1)}", timeout=10).json()
    assert got["closure"]["phase"] == "SUCCEEDED", got
    return execution.group(1)


def register_package(sb: Sandbox, package: str, version: str):
    """`pyflyte register`s a package of tests/e2e/flyteproj (each attempt unpacks the code in its
    own working folder: --destination-dir .) and returns a FlyteRemote for the sandbox."""
    from flytekit.configuration import Config
    from flytekit.remote import FlyteRemote

    res = run_pyflyte(
        sb, "--config", sb.config_path, "register", "--project", PROJECT, "--domain", DOMAIN,
        "--version", version, "--destination-dir", ".", package, cwd=FLYTEPROJ,
    )
    assert res.returncode == 0, res.output
    return FlyteRemote(Config.auto(config_file=str(sb.config_path)), default_project=PROJECT, default_domain=DOMAIN)


def listening_pids(port: int) -> set:
    """PIDs of processes with a TCP socket listening on `port` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, state, inode = parts[1], parts[3], parts[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{inode}]")
    pids = set()
    if not inodes:
        return pids
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        try:
            for fd in (pid_dir / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    pids.add(int(pid_dir.name))
                    break
        except OSError:
            continue
    return pids


# --------------------------------------------------------------------------- gRPC helpers


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def rpc_error(method, request) -> grpc.RpcError:
    """Calls a unary method that must fail and returns the error."""
    with pytest.raises(grpc.RpcError) as excinfo:
        method(request, timeout=RPC_TIMEOUT_S)
    return excinfo.value


def identifier(resource_type, name: str, version: str, project: str = PROJECT, domain: str = DOMAIN):
    return identifier_pb2.Identifier(
        resource_type=resource_type, project=project, domain=domain, name=name, version=version
    )


def task_id(name: str, version: str, **kw):
    return identifier(identifier_pb2.TASK, name, version, **kw)


def workflow_id(name: str, version: str, **kw):
    return identifier(identifier_pb2.WORKFLOW, name, version, **kw)


def launch_plan_id(name: str, version: str, **kw):
    return identifier(identifier_pb2.LAUNCH_PLAN, name, version, **kw)


def named_entity(name: str, project: str = PROJECT, domain: str = DOMAIN):
    return common_pb2.NamedEntityIdentifier(project=project, domain=domain, name=name)


def int_type():
    return types_pb2.LiteralType(simple=types_pb2.INTEGER)


def int_literal(v: int):
    return literals_pb2.Literal(scalar=literals_pb2.Scalar(primitive=literals_pb2.Primitive(integer=v)))


def int_interface():
    return interface_pb2.TypedInterface(
        inputs=interface_pb2.VariableMap(variables={"x": interface_pb2.Variable(type=int_type(), description="x")}),
        outputs=interface_pb2.VariableMap(variables={"o0": interface_pb2.Variable(type=int_type(), description="o0")}),
    )


def make_task_template(ident, image: str = "ghcr.io/flyteorg/flytekit:py3.11-1.16.31"):
    """A minimal python-task TaskTemplate shaped like flytekit's (container args, no command)."""
    return tasks_pb2.TaskTemplate(
        id=ident,
        type="python-task",
        metadata=tasks_pb2.TaskMetadata(
            runtime=tasks_pb2.RuntimeMetadata(type=tasks_pb2.RuntimeMetadata.FLYTE_SDK, version="1.16.31", flavor="python"),
            retries=literals_pb2.RetryStrategy(retries=0),
        ),
        interface=int_interface(),
        container=tasks_pb2.Container(
            image=image,
            args=[
                "pyflyte-execute", "--inputs", "{{.input}}", "--output-prefix", "{{.outputPrefix}}",
                "--raw-output-data-prefix", "{{.rawOutputDataPrefix}}",
                "--checkpoint-path", "{{.checkpointOutputPrefix}}",
                "--prev-checkpoint", "{{.prevCheckpointPrefix}}",
                "--resolver", "flytekit.core.python_auto_container.default_task_resolver",
                "--", "task-module", "e2e.tasks", "task-name", ident.name,
            ],
            resources=tasks_pb2.Resources(),
        ),
    )


def create_task(admin, ident, **kw):
    template = make_task_template(ident, **kw)
    admin.CreateTask(task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=template)), timeout=RPC_TIMEOUT_S)
    return template


def make_workflow_template(wf_ident, task_ident, node_id: str = "n0"):
    """x -> task(node_id) -> o0, as flytekit serializes it (no start/end nodes: the compiler adds them)."""
    return workflow_pb2.WorkflowTemplate(
        id=wf_ident,
        metadata=workflow_pb2.WorkflowMetadata(),
        interface=int_interface(),
        nodes=[
            workflow_pb2.Node(
                id=node_id,
                metadata=workflow_pb2.NodeMetadata(name="t", retries=literals_pb2.RetryStrategy()),
                inputs=[
                    literals_pb2.Binding(
                        var="x",
                        binding=literals_pb2.BindingData(
                            promise=_output_ref("start-node", "x")
                        ),
                    )
                ],
                task_node=workflow_pb2.TaskNode(reference_id=task_ident),
            )
        ],
        outputs=[
            literals_pb2.Binding(var="o0", binding=literals_pb2.BindingData(promise=_output_ref(node_id, "o0")))
        ],
        metadata_defaults=workflow_pb2.WorkflowMetadataDefaults(),
    )


def _output_ref(node_id: str, var: str):
    return types_pb2.OutputReference(node_id=node_id, var=var)


def create_workflow(admin, wf_ident, task_ident, node_id: str = "n0"):
    template = make_workflow_template(wf_ident, task_ident, node_id)
    admin.CreateWorkflow(
        admin_workflow_pb2.WorkflowCreateRequest(id=wf_ident, spec=admin_workflow_pb2.WorkflowSpec(template=template)),
        timeout=RPC_TIMEOUT_S,
    )
    return template


def register_launchable(admin, template):
    """Registers the workflow `template` and a launch plan of the same name and version without
    inputs of its own; returns the launch plan's id."""
    wid = template.id
    admin.CreateWorkflow(
        admin_workflow_pb2.WorkflowCreateRequest(id=wid, spec=admin_workflow_pb2.WorkflowSpec(template=template)),
        timeout=RPC_TIMEOUT_S,
    )
    lid = launch_plan_id(wid.name, wid.version, project=wid.project, domain=wid.domain)
    admin.CreateLaunchPlan(
        launch_plan_pb2.LaunchPlanCreateRequest(id=lid, spec=launch_plan_pb2.LaunchPlanSpec(workflow_id=wid)),
        timeout=RPC_TIMEOUT_S,
    )
    return lid


def execution_id(name: str, project: str = PROJECT, domain: str = DOMAIN):
    return identifier_pb2.WorkflowExecutionIdentifier(project=project, domain=domain, name=name)


def make_launch_plan_spec(wf_ident, default_x: int = 3):
    return launch_plan_pb2.LaunchPlanSpec(
        workflow_id=wf_ident,
        entity_metadata=launch_plan_pb2.LaunchPlanMetadata(),
        default_inputs=interface_pb2.ParameterMap(
            parameters={"x": interface_pb2.Parameter(var=interface_pb2.Variable(type=int_type()), default=int_literal(default_x))}
        ),
        fixed_inputs=literals_pb2.LiteralMap(),
    )


def md5(data: bytes) -> bytes:
    return hashlib.md5(data).digest()
