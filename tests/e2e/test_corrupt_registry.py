"""A corrupt registry.db stops the start with a message that names the file and says what to do,
and a non-zero exit: not a crash, not a bare SQLite error, and not a sandbox that starts and fails
requests later. Both kinds of damage: a file that is not SQLite at all, and a real registry whose
pages were overwritten (its header still valid, so opening it succeeds)."""

from __future__ import annotations

import os
import subprocess

from e2e_support import (
    RPC_TIMEOUT_S,
    clean_env,
    free_port,
    make_task_template,
    run_flyte,
    sandbox_command,
    task_id,
)
from flyteidl.admin import task_pb2

PAGE = 4096


def _start_expecting_failure(state, home):
    return subprocess.run(sandbox_command(free_port(), state), env=clean_env(home), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60, check=False)


def _assert_refused(res, db):
    assert res.returncode != 0, res.stdout + res.stderr
    message = res.stderr
    assert f"{db} is corrupt" in message, message
    assert f"mv {db} {db}.corrupt" in message, message
    assert "Segmentation" not in message and "terminate called" not in message, message


def test_a_file_that_is_not_sqlite_is_reported(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    db = state / "registry.db"
    db.write_bytes(os.urandom(20 * PAGE))
    res = _start_expecting_failure(state, tmp_path / "home")
    _assert_refused(res, db)
    assert "not a database" in res.stderr


def test_overwritten_pages_of_a_real_registry_are_found_at_start(sandbox_factory, tmp_path):
    state = tmp_path / "state"
    sb = sandbox_factory.start(base=tmp_path / "first", state_dir=state)
    admin = sb.admin()
    # Enough rows that the tables span pages past the first few.
    for i in range(200):
        ident = task_id(f"corrupt.t{i}", "v1")
        admin.CreateTask(task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=make_task_template(ident))),
                         timeout=RPC_TIMEOUT_S)
    sb.close_channel()
    assert sb.stop() == 0
    db = state / "registry.db"
    assert not (state / "registry.db-wal").exists() or (state / "registry.db-wal").stat().st_size == 0
    size = db.stat().st_size
    assert size > 8 * PAGE, size
    with open(db, "r+b") as f:  # keep page 1 (header and schema), scribble over the rest
        f.seek(2 * PAGE)
        f.write(os.urandom(size - 2 * PAGE))
    res = _start_expecting_failure(state, tmp_path / "home")
    _assert_refused(res, db)

    # Moving it aside as the message says starts a sandbox with an empty registry.
    db.rename(state / "registry.db.corrupt")
    sb = sandbox_factory.start(base=tmp_path / "second", state_dir=state)
    assert run_flyte("sandbox", "status", "--state-dir", state, env=sb.env).returncode == 0
