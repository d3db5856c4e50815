"""Fixtures of the end-to-end tests: run the real `flyte` binary and talk to it as users do.

One server per test module (`sandbox` fixture); tests that need their own process
(restarts, signals, bad flags) use `sandbox_factory`. Every server gets a free port, a
temporary `--state-dir` and a temporary `HOME`, so the user's ~/.flyte is never touched.
Shared helpers live in `e2e_support.py`.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from e2e_support import (
    FLYTE2_BIN,
    FLYTE_BIN,
    REPO_ROOT,
    VENV_BIN,
    Sandbox,
    run_pyflyte,
    start_sandbox,
)

# In-process clients (FlyteRemote) take FLYTE_* overrides from the environment (e.g.
# FLYTE_PLATFORM_URL would beat the config file): drop the caller's. FLYTE_BIN stays: pytest-xdist's
# workers, started after this runs, read it again (without it they would test build/'s binary).
for _name in [k for k in os.environ if k.startswith(("FLYTE_", "FLYTECTL_", "_FLYTECTL")) and k != "FLYTE_BIN"]:
    del os.environ[_name]


def pytest_sessionstart(session):
    # Fail loudly (not skip) when the environment is missing: a green run must mean
    # the product was exercised.
    problems = []
    if not FLYTE_BIN.is_file() or not os.access(FLYTE_BIN, os.X_OK):
        problems.append(
            f"flyte binary not found at {FLYTE_BIN} (build it, or set FLYTE_BIN=/path/to/flyte)"
        )
    if not (VENV_BIN / "pyflyte").exists():
        problems.append(f"{VENV_BIN / 'pyflyte'} missing: run scripts/setup-test-env.sh")
    if problems:
        raise pytest.UsageError("end-to-end test environment incomplete:\n  " + "\n  ".join(problems))


# Modules that take longest, mostly waiting (real minute slots, pods, containers, browsers): run
# first, so the last to finish is a short one while the other workers have nothing left. Measured
# seconds per module on the release build (pytest --junitxml); the rest follow in file order.
# tests/CMakeLists.txt passes --no-loadscope-reorder, so pytest-xdist keeps this order.
LONGEST_FIRST = (
    "test_kubernetes.py",  # 125
    "test_schedules.py",  # 124, one test: two cron minutes and a restart
    "test_containers.py",  # 69
    "test_console.py",  # 64
    "test_hardening_connections.py",  # 49
    "test_executions.py",  # 46
    "test_registration.py",  # 43
    "test_flyte2_exec.py",  # 38
)


def pytest_collection_modifyitems(session, config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: file order otherwise


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report ends with the stderr of every server it used: the server's own
    account of what went wrong, kept with the failure (CI keeps nothing else)."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    servers = [v for v in item.funcargs.values() if isinstance(v, Sandbox)]
    servers += [sb for v in item.funcargs.values() if isinstance(v, SandboxFactory) for sb in v.started]
    for sb in servers:
        report.sections.append((f"server on port {sb.port}: stderr", sb.stderr_tail()))


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Sandbox:
    """One running server shared by the tests of a module. Stopped with SIGTERM at the end;
    teardown fails unless the process exits 0 (graceful shutdown is part of the product)."""
    base = tmp_path_factory.mktemp("sandbox")
    sb = start_sandbox(base)
    yield sb
    sb.stop_and_check()


@pytest.fixture(scope="module")
def task_sandbox(tmp_path_factory) -> Sandbox:
    """Like `sandbox`, but its task processes find pyflyte-execute in the test virtualenv, so
    executions of flytekit tasks run."""
    base = tmp_path_factory.mktemp("task-sandbox")
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  path: [{VENV_BIN}]\n")
    sb = start_sandbox(base, config=config)
    yield sb
    sb.stop_and_check()


def flyte2_config(base: Path) -> Path:
    """A sandbox config whose Flyte 2 actions find the flyte SDK's `a0` in .venv-flyte2."""
    config = base / "sandbox.yaml"
    config.write_text(f"tasks:\n  flyte2_path: [{FLYTE2_BIN}]\n")
    return config


@pytest.fixture(scope="module")
def flyte2_sandbox(tmp_path_factory) -> Sandbox:
    """Like `sandbox`, but Flyte 2 runs (`flyte run`) execute: a0 comes from .venv-flyte2."""
    base = tmp_path_factory.mktemp("flyte2-sandbox")
    sb = start_sandbox(base, config=flyte2_config(base))
    yield sb
    sb.stop_and_check()


class SandboxFactory:
    """Starts extra servers for one test and stops whatever is still running at the end."""

    def __init__(self, tmp_path: Path):
        self._tmp = tmp_path
        self.started: list[Sandbox] = []
        self._count = 0

    def new_dir(self, name: str) -> Path:
        self._count += 1
        d = self._tmp / f"{name}-{self._count}"
        d.mkdir(parents=True)
        return d

    def start(self, **kwargs) -> Sandbox:
        base = kwargs.pop("base", None) or self.new_dir("sb")
        sb = start_sandbox(base, **kwargs)
        self.started.append(sb)
        return sb

    def cleanup(self) -> list[str]:
        errors = []
        for sb in self.started:
            if sb.proc.poll() is None:
                rc = sb.stop()
                if rc != 0:
                    errors.append(f"server on port {sb.port} exited {rc} on SIGTERM:\n{sb.stderr_tail()}")
        return errors


@pytest.fixture
def sandbox_factory(tmp_path) -> SandboxFactory:
    factory = SandboxFactory(tmp_path)
    yield factory
    errors = factory.cleanup()
    assert not errors, "\n".join(errors)


@pytest.fixture
def pyflyte(sandbox):
    """`pyflyte(*args, cwd=...)` runs the venv's pyflyte against the module's server."""

    def _run(*args, cwd=None, timeout=300):
        return run_pyflyte(sandbox, *args, cwd=cwd, timeout=timeout)

    return _run


@pytest.fixture(scope="module")
def image() -> str:
    """The busybox test image (scripts/build-test-image.sh, built once per recipe)."""
    res = subprocess.run([str(REPO_ROOT / "scripts" / "build-test-image.sh")], check=False, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


def built_python_image(*args: str) -> str:
    res = subprocess.run([str(REPO_ROOT / "scripts" / "build-python-image.sh"), *args], check=False,
                         capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip()


@pytest.fixture(scope="module")
def python_image() -> str:
    """The Python test image with the test venv's flytekit (scripts/build-python-image.sh)."""
    return built_python_image()


@pytest.fixture(scope="module")
def flyte2_image() -> str:
    """The Python test image with the `flyte` SDK of .venv-flyte2 (scripts/build-python-image.sh flyte2)."""
    return built_python_image("flyte2")
