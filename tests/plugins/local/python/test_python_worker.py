"""The pure parts of the zygote (src/plugins/local/python_worker.py): reading a job, placing the
job's PYTHONPATH entries on sys.path, the exit code of SystemExit's argument and the process
record a task writes."""
import importlib.util
import os
import pathlib
import socket
import subprocess
import sys

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


def test_the_process_record_is_what_process_identity_reads(worker):
    stat = b"4242 (python3 (a) b) S 1 4242 4242 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 987654 10 11"
    assert worker.identity_line(4242, stat, b"boot-id\n", b"token-1") == b"4242 987654 boot-id token-1\n"


def _hand(control, tmp_path, name):
    """Sends a job running tmp_path/task.py (which creates `name`) with its two pipes; returns our
    ends of them and the pid the child said."""
    report_r, report_w = os.pipe()
    go_r, go_w = os.pipe()
    script = str(tmp_path / "task.py").encode()
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


def test_a_forked_child_runs_nothing_until_told_to_go(tmp_path):
    (tmp_path / "task.py").write_text("import pathlib, sys\npathlib.Path(sys.argv[1]).touch()\n")
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    zygote = subprocess.Popen([sys.executable, str(WORKER), str(tmp_path / "task.py")], stdin=theirs,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    theirs.close()
    try:
        assert ours.recv(16) == b"ready"
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
    finally:
        ours.close()
        zygote.wait(timeout=10)
