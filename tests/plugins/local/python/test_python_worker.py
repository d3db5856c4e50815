"""The pure parts of the zygote (src/plugins/local/python_worker.py): reading a job, placing the
job's PYTHONPATH entries on sys.path, the exit code of SystemExit's argument and the process
record a task writes."""
import contextlib
import importlib.util
import os
import pathlib
import select
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

WORKER = pathlib.Path(__file__).parents[4] / "src" / "plugins" / "local" / "python_worker.py"


@pytest.fixture(scope="module")
def worker():
    spec = importlib.util.spec_from_file_location("flyte_python_worker", WORKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines functions only: _serve runs when it is __main__
    return module


def job(*fields):
    return b"\0".join([b"flyte-job-3", *fields, b"end"])


def test_a_job_is_read_field_by_field(worker):
    data = job(b"/bin/pyflyte-execute", b"/work", b"/log", b"/started", b"/process", b"2", b"pyflyte-execute",
               b"--inputs", b"1", b"A=b", b"0")
    assert worker.parse_job(data) == {
        "script": "/bin/pyflyte-execute",
        "work_dir": b"/work",
        "log_file": b"/log",
        "started": b"/started",
        "record": b"/process",
        "argv": [b"pyflyte-execute", b"--inputs"],
        "env": [b"A=b"],
        "setup": [],
    }


def test_setup_and_empty_fields_survive(worker):
    data = job(b"/s", b"/w", b"/l", b"/m", b"/p", b"1", b"", b"0", b"2", b"tar", b"-xzf")
    parsed = worker.parse_job(data)
    assert parsed["argv"] == [b""]
    assert parsed["env"] == []
    assert parsed["setup"] == [b"tar", b"-xzf"]


@pytest.mark.parametrize("data", [b"", b"flyte-job-3", b"flyte-job-1\0end", job(b"/s")[:-1]])
def test_no_job_from_anything_else(worker, data):
    assert worker.parse_job(data) is None


def test_new_python_path_entries_go_after_the_ones_the_worker_started_with(worker):
    path = ["/entry", "/started/a", "/started/b", "/usr/lib/python3.11"]
    worker.add_python_path(path, 1, "/started/a:/started/b", "/started/a:/started/b:/code:rel")
    assert path == ["/entry", "/started/a", "/started/b", "/code", os.path.abspath("rel"), "/usr/lib/python3.11"]


def test_python_path_entries_without_a_script_folder(worker):
    path = ["/usr/lib/python3.11"]  # safe_path: PYTHONPATH's entries come first
    worker.add_python_path(path, 0, "", "/code")
    assert path == ["/code", "/usr/lib/python3.11"]


def test_an_unchanged_python_path_adds_nothing(worker):
    path = ["/entry", "/started", "/lib"]
    worker.add_python_path(path, 1, "/started", "/started")
    assert path == ["/entry", "/started", "/lib"]


@pytest.mark.parametrize(
    "code, expected",
    [(None, (0, None)), (0, (0, None)), (3, (3, None)), (256 + 7, (7, None)), (-1, (255, None)),
     (True, (1, None)), ("boom", (1, "boom"))],
)
def test_exit_codes_are_the_interpreters(worker, code, expected):
    assert worker.exit_code(code) == expected


def test_a_thread_just_joined_leaves_the_process_single_threaded(worker):
    # join() returns before the kernel has ended the thread: the flyte SDK's stopped loop, joined
    # just before a zygote forks ahead, must not make it fork nothing (a race CI once lost).
    assert worker._single_threaded()
    for _ in range(1000):
        thread = threading.Thread(target=lambda: None)
        thread.start()
        thread.join()
        assert worker._single_threaded()
    blocker = threading.Event()
    running = threading.Thread(target=blocker.wait)
    running.start()
    try:
        assert not worker._single_threaded()
    finally:
        blocker.set()
        running.join()


def test_the_process_record_is_what_process_identity_reads(worker):
    stat = b"4242 (python3 (a) b) S 1 4242 4242 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 987654 10 11"
    assert worker.identity_line(4242, stat, b"boot-id\n", b"token-1") == b"4242 987654 boot-id token-1\n"


def _hand(control, tmp_path, name, script=None):
    """Sends a job running `script` (tmp_path/task.py unless given, which creates `name`) with its
    two pipes; returns our ends of them and the pid the child said."""
    report_r, report_w = os.pipe()
    go_r, go_w = os.pipe()
    script = str(script or tmp_path / "task.py").encode()
    data = job(script, bytes(tmp_path), bytes(tmp_path / "task.log"), bytes(tmp_path / f"{name}.started"),
               bytes(tmp_path / f"{name}.process"), b"2", script, name.encode(), b"1", b"PATH=/usr/bin:/bin", b"0")
    socket.send_fds(control, [data], [report_w, go_r])
    os.close(report_w)
    os.close(go_r)
    line = b""
    while not line.endswith(b"\n"):
        line += os.read(report_r, 1)
    assert line.startswith(b"pid ")
    return report_r, go_w


def _status(report_r):
    text = os.read(report_r, 64)
    os.close(report_r)
    assert text.startswith(b"status ")
    return int(text.split()[1])


@contextlib.contextmanager
def running_zygote(script, cwd, env=None):
    """A zygote serving `script` on a socket pair, once ready: yields our end and its process.
    Our end closed at the end retires it (continued first, if a test stopped it)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    zygote = subprocess.Popen([sys.executable, str(WORKER), str(script)], stdin=theirs,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=env)
    theirs.close()
    try:
        assert ours.recv(16) == b"ready"
        yield ours, zygote
    finally:
        zygote.send_signal(signal.SIGCONT)
        ours.close()
        try:
            zygote.wait(timeout=10)
        except subprocess.TimeoutExpired:
            zygote.kill()
            zygote.wait()


def test_a_forked_child_runs_nothing_until_told_to_go(tmp_path):
    (tmp_path / "task.py").write_text("import pathlib, sys\npathlib.Path(sys.argv[1]).touch()\n")
    with running_zygote(tmp_path / "task.py", tmp_path) as (ours, _):
        # The sandbox gave up waiting for this child's pid (it closes `go` unanswered): the child
        # ends without running the task or marking it started.
        report_r, go_w = _hand(ours, tmp_path, "abandoned")
        os.close(go_w)
        status = _status(report_r)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 75
        assert not (tmp_path / "abandoned").exists()
        assert not (tmp_path / "abandoned.started").exists()
        # Told to go, the next one runs.
        report_r, go_w = _hand(ours, tmp_path, "told")
        os.write(go_w, b"g")
        os.close(go_w)
        status = _status(report_r)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        assert (tmp_path / "told").exists()
        assert (tmp_path / "told.started").exists()


def test_a_forked_child_reports_its_own_exit_status_before_its_process_ends(tmp_path):
    # The status must not wait for the kernel to tear down a process the size of flytekit, nor for
    # the zygote to reap it: with the zygote stopped, the report still comes, from the child.
    (tmp_path / "task.py").write_text("import pathlib, sys\npathlib.Path(sys.argv[1]).touch()\nsys.exit(3)\n")
    with running_zygote(tmp_path / "task.py", tmp_path) as (ours, zygote):
        report_r, go_w = _hand(ours, tmp_path, "early")
        zygote.send_signal(signal.SIGSTOP)
        os.write(go_w, b"g")
        os.close(go_w)
        readable, _, _ = select.select([report_r], [], [], 20)
        assert readable, "no status while the zygote was stopped"
        status = _status(report_r)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3
        assert (tmp_path / "early").exists()


def test_a_process_the_task_forks_does_not_hold_its_report(tmp_path):
    # With the zygote gone and the task killed, end-of-file tells the sandbox to watch the task's
    # pidfd: a process the task forked (and that escaped its group) must not hold the pipe open.
    (tmp_path / "task.py").write_text(
        "import os, pathlib, sys, time\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os.setsid()\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "pathlib.Path(sys.argv[1]).write_text(str(pid))\n"
        "time.sleep(60)\n")
    grandchild = None
    with running_zygote(tmp_path / "task.py", tmp_path) as (ours, zygote):
        try:
            report_r, go_w = _hand(ours, tmp_path, "forks")
            os.write(go_w, b"g")
            os.close(go_w)
            marker = tmp_path / "forks"
            for _ in range(400):
                if marker.exists() and marker.read_text():
                    break
                time.sleep(0.025)
            grandchild = int(marker.read_text())
            task = int((tmp_path / "forks.process").read_bytes().split()[0])
            zygote.kill()
            zygote.wait(timeout=10)
            os.kill(task, signal.SIGKILL)
            readable, _, _ = select.select([report_r], [], [], 20)
            assert readable, "the pipe stayed open after the task died"
            assert os.read(report_r, 64) == b""
            os.close(report_r)
        finally:
            if grandchild:
                os.kill(grandchild, signal.SIGKILL)


def _children(pid):
    return [int(c) for c in pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _waiting_child(zygote):
    for _ in range(400):
        children = _children(zygote.pid)
        if children:
            return children[0]
        time.sleep(0.025)
    raise AssertionError("no child waiting for a job")


def test_the_child_for_a_job_is_forked_before_it_comes_and_one_that_died_is_replaced(tmp_path):
    # The script in a folder of its own: files the jobs create beside it would tell the zygote its
    # imports changed, and it would retire after one job.
    script = tmp_path / "code" / "task.py"
    script.parent.mkdir()
    script.write_text("import pathlib, sys\npathlib.Path(sys.argv[1]).touch()\n")
    ticks = os.sysconf("SC_CLK_TCK")
    with running_zygote(script, tmp_path) as (ours, zygote):
        waiting = _waiting_child(zygote)
        time.sleep(0.5)
        report_r, go_w = _hand(ours, tmp_path, "ahead", script)
        uptime = float(pathlib.Path("/proc/uptime").read_text().split()[0])
        record = (tmp_path / "ahead.process").read_bytes().split()
        assert int(record[0]) == waiting
        assert uptime - int(record[1]) / ticks >= 0.4  # forked before the job, not for it
        os.write(go_w, b"g")
        os.close(go_w)
        assert os.WEXITSTATUS(_status(report_r)) == 0
        assert (tmp_path / "ahead").exists()
        # The next one waits already; killed, it is replaced when the job comes.
        replaced = _waiting_child(zygote)
        os.kill(replaced, signal.SIGKILL)
        time.sleep(0.1)
        report_r, go_w = _hand(ours, tmp_path, "replaced", script)
        os.write(go_w, b"g")
        os.close(go_w)
        assert os.WEXITSTATUS(_status(report_r)) == 0
        assert (tmp_path / "replaced").exists()
        last = _waiting_child(zygote)
    # Retired, the zygote leaves no child waiting.
    assert not pathlib.Path(f"/proc/{last}").exists()


FAKE_FLYTE = pathlib.Path(__file__).parents[3] / "fakes" / "flyte"


def test_a_flyte2_zygote_stops_the_sdks_background_loop_and_each_action_gets_its_own(tmp_path):
    # Importing the flyte SDK starts a thread; a zygote with two threads would fork nothing. The
    # loop is stopped in the zygote and made again in each action, which can use it.
    script = tmp_path / "bin" / "a0"
    script.parent.mkdir()
    script.write_text("import pathlib, sys, threading\n"
                      "from flyte.syncify import syncify\n"
                      "async def where():\n"
                      "    return threading.current_thread().name\n"
                      "pathlib.Path(sys.argv[1]).write_text(syncify.run(where()))\n")
    env = dict(os.environ, PYTHONPATH=str(FAKE_FLYTE))
    with running_zygote(script, tmp_path, env) as (ours, zygote):
        assert len(os.listdir(f"/proc/{zygote.pid}/task")) == 1
        for name in ("first", "second"):
            report_r, go_w = _hand(ours, tmp_path, name, script)
            os.write(go_w, b"g")
            os.close(go_w)
            assert os.WEXITSTATUS(_status(report_r)) == 0
            assert (tmp_path / name).read_text() == "fake_syncify"
        assert len(os.listdir(f"/proc/{zygote.pid}/task")) == 1
