# flyte sandbox: a Python interpreter started ahead of its task (python_worker.h says how).
# Embedded in the sandbox at build time and run as `python flyte_python_worker.py <entry point>`.
import contextlib
import os
import sys

JOB_MAGIC = b"flyte-job-1"
JOB_END = b"end"


def parse_job(data):
    """The job the sandbox sent: script, working folder, log, started marker, argv, environment
    and setup command, all bytes; None when the sandbox went away before it had work."""
    fields = data.split(b"\0")
    if len(fields) < 2 or fields[0] != JOB_MAGIC or fields[-1] != JOB_END:
        return None
    rest = iter(fields[1:-1])

    def many():
        return [next(rest) for _ in range(int(next(rest)))]

    script = os.fsdecode(next(rest))
    work_dir, log_file, started = next(rest), next(rest), next(rest)
    argv, env, setup = many(), many(), many()
    return {
        "script": script,
        "work_dir": work_dir,
        "log_file": log_file,
        "started": started,
        "argv": argv,
        "env": env,
        "setup": setup,
    }


def add_python_path(path, first, started_with, job_python_path):
    """PYTHONPATH was read at start-up: the entries the job adds to it go where Python would have
    put them, after the worker's own (which begin at path[first]), made absolute."""
    known = len([p for p in started_with.split(":") if p])
    added = job_python_path[len(started_with):].split(":")
    path[first + known:first + known] = [os.path.abspath(p) for p in added if p]


def exit_code(code):
    """The process exit code for SystemExit's argument, and what the interpreter would print."""
    if code is None:
        return 0, None
    if not isinstance(code, int):
        return 1, code
    return code & 0xFF, None


def _drain_early_output():
    # Until the job comes, stdout and stderr are one memfd: what the imports printed, for the log.
    sys.stdout.flush()
    sys.stderr.flush()
    chunks, offset = [], 0
    try:
        while True:
            chunk = os.pread(1, 65536, offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
    except OSError:
        pass
    return b"".join(chunks)


def _import_folders(script):
    # Where imports come from, with their times: installing or removing a package changes them.
    times = {}
    for entry in [os.path.dirname(script)] + sys.path:
        try:
            times[entry] = os.stat(entry or ".").st_mtime_ns
        except OSError:
            pass
    return times


def _serve(script):
    sys.argv = [script]
    first = 0 if getattr(sys.flags, "safe_path", False) else 1  # where PYTHONPATH's entries begin
    if first:
        sys.path[0] = os.path.dirname(os.path.realpath(script))
    # What every flytekit entry point imports first. An error is the task's: its command meets the
    # same error when it runs, and reports it in its log.
    with contextlib.suppress(Exception):
        import flytekit.bin.entrypoint  # noqa: F401
    imported_from = _import_folders(script)
    job = parse_job(sys.stdin.buffer.read())
    if job is None:
        os._exit(0)  # the sandbox went away before it had work for us
    # Before anything of the task runs: after a restart the sandbox tells by this file that the
    # job was taken (the worker is then running it, or it ended), not lost with the sandbox.
    os.close(os.open(job["started"], os.O_WRONLY | os.O_CREAT, 0o644))
    script = job["script"]
    current = _import_folders(script) == imported_from

    early = _drain_early_output()  # flushed before the streams move: a fresh interpreter prints its own
    if not current:
        early = b""
    log = os.open(job["log_file"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    while early:
        early = early[os.write(2, early):]

    os.chdir(job["work_dir"])
    started_with = os.environ.get("PYTHONPATH", "")
    os.environb.clear()
    os.environb.update(entry.split(b"=", 1) for entry in job["env"])

    setup = job["setup"]
    if setup:
        import subprocess

        try:
            code = subprocess.call([os.fsdecode(a) for a in setup], stdout=subprocess.DEVNULL)
        except OSError as error:
            print(f"{os.fsdecode(setup[0])}: {error.strerror}", file=sys.stderr)
            code = 127
        if code != 0:
            _exit(code if code > 0 else 128 - code)

    args = [os.fsdecode(a) for a in job["argv"][1:]]
    if not current:
        # Packages changed since the imports: the command runs in a fresh interpreter, in this
        # same process (the sandbox knows it by its pid and start time).
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, script] + args)

    add_python_path(sys.path, first, started_with, os.environ.get("PYTHONPATH", ""))

    import runpy

    sys.argv = [script] + args
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exit:
        _exit(exit.code)
    _exit(0)


def _exit(code):
    # What the interpreter does on the way out (SystemExit's argument, threading's exit hooks and
    # non-daemon threads, atexit handlers, flushed streams), without tearing down every module and
    # object one by one, which takes a fifth of a second with flytekit loaded; multiprocessing's
    # children end the same way.
    code, message = exit_code(code)
    if message is not None:
        print(message, file=sys.stderr)
    import atexit
    import threading

    threading._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    _serve(sys.argv[1])
