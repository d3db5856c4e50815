"""The `flyte` command line: version, sandbox start/status/stop, start-up failures, signals,
client config, persistence. Each test runs its own server(s).

Assumed CLI (one place to adapt if it changes):
  flyte version
  flyte sandbox start  --port N --bind 127.0.0.1 --state-dir DIR [--config FILE] [--detach]
  flyte sandbox status --state-dir DIR      exit 0 + "running" while it runs
  flyte sandbox stop   --state-dir DIR      returns once the server is gone
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import grpc
import pytest
import yaml
from flyteidl.admin import common_pb2, project_pb2, version_pb2
from flyteidl.service import admin_pb2_grpc

from e2e_support import (
    DOMAINS,
    PROJECT,
    RPC_TIMEOUT_S,
    VENV_BIN,
    clean_env,
    create_task,
    free_port,
    healthz_status,
    listening_pids,
    port_is_open,
    run_flyte,
    sandbox_command,
    task_id,
    unique,
)

T = RPC_TIMEOUT_S


def start_must_fail(cmd: list, env: dict, timeout: float = 15) -> subprocess.CompletedProcess:
    """Runs a `sandbox start` that must exit on its own with an error."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            rc = None
        out.seek(0)
        err.seek(0)
        res = subprocess.CompletedProcess(cmd, rc, out.read().decode(errors="replace"), err.read().decode(errors="replace"))
    if rc is None:
        pytest.fail(f"`{' '.join(map(str, cmd))}` kept running instead of failing; stderr:\n{res.stderr}")
    out = res.stdout + res.stderr
    assert rc != 0, f"expected a non-zero exit; output:\n{out}"
    for crash in ("terminate called", "Aborted", "Segmentation fault", "core dumped", "what():"):
        assert crash not in out, f"start-up failure must be a clean error, not a crash:\n{out}"
    assert rc > 0, f"killed by signal {-rc}:\n{out}"
    return res


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in state  # a zombie has exited; its reaper is not us


# --------------------------------------------------------------------------- version


def test_version(tmp_path):
    res = run_flyte("version", env=clean_env(tmp_path))
    assert res.returncode == 0, res.stderr
    assert re.search(r"\d+\.\d+\.\d+", res.stdout), res.stdout


# --------------------------------------------------------------------------- detach / status / stop


def test_detach_status_stop(sandbox_factory):
    base = sandbox_factory.new_dir("detach")
    state, home = base / "state", base / "home"
    home.mkdir()
    env = clean_env(home)
    port = free_port()
    pids: set = set()
    try:
        t0 = time.monotonic()
        res = run_flyte(
            "sandbox", "start", "--detach", "--s3-port", "0", "--port", port, "--bind", "127.0.0.1", "--state-dir", state,
            env=env, timeout=30,
        )
        elapsed = time.monotonic() - t0
        assert res.returncode == 0, f"stdout:\n{res.stdout}\nstderr:\n{res.stderr}"
        # "returns only once serving": no polling allowed here.
        assert healthz_status(port) == 200, "start --detach returned before the server was serving"
        assert elapsed < 15, elapsed
        # The banner says which flytekit runs Python tasks: the venv's, first on this PATH.
        assert f"Python tasks:   {VENV_BIN}/pyflyte-execute\n" in res.stdout, res.stdout
        # ... and what the sandbox found to run containers on (the sandbox's own finding, read from its pid file).
        assert re.search(r"\n  Containers:     \S[^\n]*; (in containers|no task type|raw-container tasks run)", res.stdout), \
            res.stdout
        pids = listening_pids(port)
        assert pids, f"nothing listens on {port} after start --detach"

        channel = grpc.insecure_channel(f"localhost:{port}")
        try:
            admin_pb2_grpc.AdminServiceStub(channel).GetVersion(version_pb2.GetVersionRequest(), timeout=T)
        finally:
            channel.close()

        st = run_flyte("sandbox", "status", "--state-dir", state, env=env)
        status_out = (st.stdout + st.stderr).lower()
        assert st.returncode == 0, status_out
        assert "running" in status_out and "not running" not in status_out, status_out

        stop = run_flyte("sandbox", "stop", "--state-dir", state, env=env, timeout=30)
        assert stop.returncode == 0, f"stdout:\n{stop.stdout}\nstderr:\n{stop.stderr}"
        # "waits until gone": checked right away, without polling.
        assert not port_is_open(port), "port still open after sandbox stop returned"
        assert all(process_gone(pid) for pid in pids), pids

        st = run_flyte("sandbox", "status", "--state-dir", state, env=env)
        status_out = (st.stdout + st.stderr).lower()
        assert st.returncode != 0 or "not running" in status_out or "stopped" in status_out, status_out
    finally:
        # Never leave a detached server behind, whatever failed above.
        if port_is_open(port):
            run_flyte("sandbox", "stop", "--state-dir", state, env=env, timeout=30)
        for pid in pids | listening_pids(port):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if not process_gone(pid) and str(state) in cmdline:
                os.kill(pid, signal.SIGKILL)


def test_banner_says_how_to_give_python_tasks_a_flytekit(sandbox_factory):
    base = sandbox_factory.new_dir("no-flytekit")
    state, home = base / "state", base / "home"
    home.mkdir()
    env = clean_env(home)
    env["PATH"] = "/usr/bin:/bin"  # no virtualenv with flytekit
    try:
        res = run_flyte("sandbox", "start", "--detach", "--s3-port", "0", "--port", free_port(), "--bind", "127.0.0.1",
                        "--state-dir", state, env=env, timeout=30)
        assert res.returncode == 0, f"stdout:\n{res.stdout}\nstderr:\n{res.stderr}"
        assert "Python tasks:   pyflyte-execute is not on PATH" in res.stdout, res.stdout
        assert "tasks.path" in res.stdout
    finally:
        run_flyte("sandbox", "stop", "--state-dir", state, env=env, timeout=30)


def test_serving_beyond_loopback_warns(sandbox_factory):
    """Off loopback `start` says what reaches the sandbox (auth, or none with auth.mode: off) and what Debian's
    gRPC cannot be protected against; on loopback it says nothing."""
    base = sandbox_factory.new_dir("exposed")
    state, home = base / "state", base / "home"
    home.mkdir()
    env = clean_env(home)
    without_auth = base / "no-auth.yaml"
    without_auth.write_text("auth:\n  mode: off\n")
    with_token = base / "token.yaml"
    with_token.write_text("auth:\n  static_tokens: [t0ken-for-the-cli-test]\n")
    for bind, config, expected in (("0.0.0.0", without_auth, "no authentication"),
                                   ("0.0.0.0", with_token, "Clients must authenticate"),
                                   ("127.0.0.1", without_auth, None)):
        try:
            res = run_flyte("sandbox", "start", "--detach", "--s3-port", "0", "--port", free_port(), "--bind", bind,
                            "--state-dir", state, "--config", config, env=env, timeout=30)
            assert res.returncode == 0, f"stdout:\n{res.stdout}\nstderr:\n{res.stderr}"
            if expected:
                assert "WARNING" in res.stderr and bind in res.stderr, res.stderr
                assert expected in res.stderr and "rapid reset" in res.stderr, res.stderr
                assert "t0ken" not in res.stderr + res.stdout
            else:
                assert "WARNING" not in res.stderr, res.stderr
        finally:
            run_flyte("sandbox", "stop", "--state-dir", state, env=env, timeout=30)


# --------------------------------------------------------------------------- start-up failures


def test_start_on_port_in_use_by_another_sandbox(sandbox_factory):
    first = sandbox_factory.start()
    other = sandbox_factory.new_dir("second")
    res = start_must_fail(sandbox_command(first.port, other / "state"), env=clean_env(other))
    lines = [line for line in (res.stderr + res.stdout).splitlines() if line.strip()]
    assert any(str(first.port) in line and re.search(r"in use|already", line, re.I) for line in lines), lines
    assert healthz_status(first.port) == 200, "the running server was disturbed"


def test_start_on_port_in_use_by_other_program(sandbox_factory):
    base = sandbox_factory.new_dir("busy")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        res = start_must_fail(sandbox_command(port, base / "state"), env=clean_env(base))
    lines = [line for line in (res.stderr + res.stdout).splitlines() if line.strip()]
    assert any(str(port) in line and re.search(r"in use|already", line, re.I) for line in lines), lines


def test_bad_config_key_names_key_and_line(sandbox_factory):
    base = sandbox_factory.new_dir("badcfg")
    cfg = base / "sandbox.yaml"
    cfg.write_text("# flyte sandbox config\n\nbogus_key_xyz: true\n")  # the bad key is on line 3
    res = start_must_fail(sandbox_command(free_port(), base / "state", config=cfg), env=clean_env(base))
    err = res.stderr + res.stdout
    assert "bogus_key_xyz" in err, err
    assert re.search(r"line\s*:?\s*3\b|\.yaml:3\b", err), f"the message should give line 3:\n{err}"


def test_unparseable_config_fails(sandbox_factory):
    base = sandbox_factory.new_dir("syntax")
    cfg = base / "sandbox.yaml"
    cfg.write_text("server: [unclosed\n")
    res = start_must_fail(sandbox_command(free_port(), base / "state", config=cfg), env=clean_env(base))
    assert "sandbox.yaml" in res.stderr + res.stdout, res.stderr


def test_missing_config_file_fails(sandbox_factory):
    base = sandbox_factory.new_dir("nocfg")
    res = start_must_fail(sandbox_command(free_port(), base / "state", config=base / "absent.yaml"), env=clean_env(base))
    assert "absent.yaml" in res.stderr + res.stdout, res.stderr


def test_unwritable_state_dir_fails(sandbox_factory):
    base = sandbox_factory.new_dir("nostate")
    blocker = base / "a-file"
    blocker.write_text("not a directory\n")
    # Root ignores permission bits, so make the state dir impossible instead: under a regular file.
    res = start_must_fail(sandbox_command(free_port(), blocker / "state"), env=clean_env(base))
    assert str(blocker) in res.stderr + res.stdout, res.stderr


# --------------------------------------------------------------------------- client config


def test_start_writes_client_config_and_keeps_users_config(sandbox_factory):
    base = sandbox_factory.new_dir("cfg")
    home = base / "home"
    flyte_dir = home / ".flyte"
    flyte_dir.mkdir(parents=True)
    users = flyte_dir / "config.yaml"
    users.write_text("admin:\n  endpoint: dns:///example.invalid:443\n  insecure: false\n")
    before = users.stat()

    sb = sandbox_factory.start(base=base, home=home)
    written = flyte_dir / "config-sandbox.yaml"
    assert written.is_file(), list(flyte_dir.iterdir())
    data = yaml.safe_load(written.read_text())
    assert data["admin"]["endpoint"] == f"dns:///localhost:{sb.port}", data
    assert data["admin"]["insecure"] is True, data

    after = users.stat()
    assert users.read_text() == "admin:\n  endpoint: dns:///example.invalid:443\n  insecure: false\n"
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)

    # The written file works as-is with real flytekit.
    from flytekit.configuration import Config
    from flytekit.remote import FlyteRemote

    remote = FlyteRemote(Config.auto(config_file=str(written)), default_project=PROJECT, default_domain="development")
    assert PROJECT in [p.id for p in remote.list_projects()]


# --------------------------------------------------------------------------- signals


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_gracefully_with_open_client(sandbox_factory, sig):
    sb = sandbox_factory.start()
    # A client that keeps its connection open, as flytekit does.
    channel = grpc.insecure_channel(sb.endpoint)
    try:
        admin_pb2_grpc.AdminServiceStub(channel).GetVersion(version_pb2.GetVersionRequest(), timeout=T)
        t0 = time.monotonic()
        sb.proc.send_signal(sig)
        try:
            rc = sb.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"flyte did not exit within 10 s of {sig.name}; stderr:\n{sb.stderr_tail()}")
        assert rc == 0, f"exit {rc} after {sig.name}; stderr:\n{sb.stderr_tail()}"
        assert time.monotonic() - t0 < 10
        assert not port_is_open(sb.port)
    finally:
        channel.close()


# --------------------------------------------------------------------------- persistence


def test_state_persists_across_restarts(sandbox_factory):
    state = sandbox_factory.new_dir("persist") / "state"
    first = sandbox_factory.start(state_dir=state)
    ident = task_id(unique("e2e.persist"), "v1")
    template = create_task(first.admin(), ident)
    pid = unique("persistproj")
    first.admin().RegisterProject(
        project_pb2.ProjectRegisterRequest(project=project_pb2.Project(id=pid, name=pid)), timeout=T
    )
    first.stop_and_check()

    second = sandbox_factory.start(state_dir=state)
    got = second.admin().GetTask(common_pb2.ObjectGetRequest(id=ident), timeout=T)
    assert got.closure.compiled_task.template == template
    assert second.admin().GetProject(project_pb2.ProjectGetRequest(id=pid), timeout=T).id == pid

    projects = second.admin().ListProjects(project_pb2.ProjectListRequest(limit=100), timeout=T).projects
    ids = [p.id for p in projects]
    assert ids.count(PROJECT) == 1, ids  # the default project is not created twice
    assert {d.id for d in next(p for p in projects if p.id == PROJECT).domains} == set(DOMAINS)
    # Re-registering after the restart still sees the stored copy.
    with pytest.raises(grpc.RpcError) as excinfo:
        create_task(second.admin(), ident)
    assert excinfo.value.code() == grpc.StatusCode.ALREADY_EXISTS
