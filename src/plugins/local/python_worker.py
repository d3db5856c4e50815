# flyte sandbox: a fork server ("zygote") for flytekit tasks and Flyte 2 actions (python_worker.h
# says how). Embedded in the sandbox at build time and run as
# `python flyte_python_worker.py <entry point>`.
import contextlib
import ctypes
import gc
import importlib
import os
import select
import signal
import socket
import sys
import threading
import time

JOB_MAGIC = b"flyte-job-3"
JOB_END = b"end"
MAX_JOB_BYTES = 64 * 1024


def parse_job(data):
    """The job the sandbox sent: script, working folder, log, started marker, process record,
    argv, environment and setup command, all bytes; None for anything else."""
    fields = data.split(b"\0")
    if len(fields) < 2 or fields[0] != JOB_MAGIC or fields[-1] != JOB_END:
        return None
    rest = iter(fields[1:-1])

    def many():
        return [next(rest) for _ in range(int(next(rest)))]

    script = os.fsdecode(next(rest))
    work_dir, log_file, started, record = next(rest), next(rest), next(rest), next(rest)
    argv, env, setup = many(), many(), many()
    return {
        "script": script,
        "work_dir": work_dir,
        "log_file": log_file,
        "started": started,
        "record": record,
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


def identity_line(pid, stat, boot_id, token):
    """The process record process_identity.h reads: pid, start time in clock ticks after boot
    (field 22 of /proc/<pid>/stat, counted after the command name's closing parenthesis), boot
    id and the attempt's token."""
    start_ticks = stat[stat.rindex(b")") + 1:].split()[19]
    return b"%d %s %s %s\n" % (pid, start_ticks, boot_id.strip(), token)


def _save_identity(record, token):
    # Written by the task's own process before its started marker, so a sandbox that dies at any
    # moment after the fork finds the process on restart (its environment says nothing: it is
    # the zygote's).
    with open("/proc/self/stat", "rb") as stat, open("/proc/sys/kernel/random/boot_id", "rb") as boot:
        line = identity_line(os.getpid(), stat.read(), boot.read(), token)
    temporary = record + b".tmp-%d" % os.getpid()
    with open(temporary, "wb") as out:
        out.write(line)
    os.rename(temporary, record)


def _fresh_state():
    # What a fresh interpreter would not share with its siblings: `random` is reseeded by Python's
    # own fork hook; numpy's global generator, flytekit's own random.Random (made at import; it
    # names the files and folders tasks write, so siblings would write to the same paths), the
    # cached temporary folder and flytekit's default context (made at import, with the environment
    # the zygote started in) are not.
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        with contextlib.suppress(Exception):
            numpy.random.seed()
    flytekit_random = sys.modules.get("flytekit.interfaces.random")
    if flytekit_random is not None:
        with contextlib.suppress(Exception):
            flytekit_random.random.seed()  # in place: modules imported it by name
    import tempfile

    tempfile.tempdir = None
    manager = sys.modules.get("flytekit.core.context_manager")
    if manager is not None:
        with contextlib.suppress(Exception):
            manager.FlyteContextManager.initialize()


_report_fd = None  # in a forked task: the job's report pipe

PR_SET_NO_NEW_PRIVS = 38
SYS_LANDLOCK_RESTRICT_SELF = 446  # the same number on every architecture


def _confine(ruleset):
    """Restricts this process (the task's, before anything of it runs) with the Landlock rules the
    job brought, as a task the sandbox spawns is; exits 126 with the reason in the log if it cannot."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
        print(f"flyte sandbox: cannot confine the task: {os.strerror(ctypes.get_errno())}", file=sys.stderr)
        _exit(126)
    os.close(ruleset)


def _forget_report():
    global _report_fd
    with contextlib.suppress(OSError):
        os.close(_report_fd)
    _report_fd = None


def _run_task(job, report, go, ruleset, current, first, started_with):
    # In the forked child: the zygote's process becomes the task's, as a fresh interpreter would be.
    os.setpgid(0, 0)  # abort signals the task's group; the zygote's is its own
    token = dict(entry.split(b"=", 1) for entry in job["env"] if b"=" in entry).get(b"FLYTE_ATTEMPT_TOKEN", b"")
    _save_identity(job["record"], token)
    os.write(report, b"pid %d\n" % os.getpid())  # the sandbox watches this process from now on
    # Kept for the status _exit writes itself; not by what the task starts (a process holding it
    # would keep the sandbox from learning of the task's end should the task die unreported).
    os.set_inheritable(report, False)
    global _report_fd
    _report_fd = report
    os.register_at_fork(after_in_child=_forget_report)
    # Nothing of the task runs until the sandbox, having our pid, says go. A sandbox that gave up
    # waiting (and may start the task elsewhere), or died meanwhile, closed its end instead.
    if os.read(go, 1) != b"g":
        os._exit(75)
    os.close(go)
    # Before anything of the task runs: after a restart the sandbox tells by this file that the
    # job was taken (the task is then running, or it ended), not lost with the sandbox.
    os.close(os.open(job["started"], os.O_WRONLY | os.O_CREAT, 0o644))
    script = job["script"]

    early = _drain_early_output() if current else b""  # a fresh interpreter prints its own
    log = os.open(job["log_file"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    while early:
        early = early[os.write(2, early):]
    if ruleset is not None:
        _confine(ruleset)

    os.chdir(job["work_dir"])
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
        os.execv(sys.executable, [sys.executable, script] + args)

    add_python_path(sys.path, first, started_with, os.environ.get("PYTHONPATH", ""))
    _fresh_state()
    _resume_background_loops()

    import runpy

    sys.argv = [script] + args
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exit:
        _exit(exit.code)
    _exit(0)


def _warm_flytekit():
    # What flytekit does the first time a process declares a task, done once here for every fork:
    # parsing the function's docstring compiles two large regular expressions (a sixth of a trivial
    # task's time, profiled), which the re module's cache then holds. flytekit's own
    # code on a made-up docstring: no user code runs in the zygote.
    from flytekit.core.docstring import Docstring

    Docstring(docstring="Warm.\n\n:param x: an input\n:return: an output\n")


# What Flyte 2's `a0` imports before it runs an action (flyte._bin.runtime imports the rest only
# when it runs): done once in the zygote.
FLYTE_MODULES = (
    "flyte._bin.runtime",
    "flyte._initialize",
    "flyte._internal.controllers.remote",
    "flyte._internal.image_cache",
    "flyte._internal.runtime.entrypoints",
    "flyte.remote._client.controlplane",
    "flyte.storage",
)

_paused_loops = []  # the flyte SDK's background event loops, stopped in the zygote


def _warm_flyte():
    for module in FLYTE_MODULES:
        with contextlib.suppress(Exception):  # another SDK version: what it has is still warm
            importlib.import_module(module)
    _pause_background_loops()


def _pause_background_loops():
    # Importing the flyte SDK starts a thread per `Syncify` (an event loop run in the background),
    # and a zygote must never fork with a second thread. Each loop is stopped and closed here and
    # made again, in place, in every task (modules hold the object). An SDK whose loops are not
    # found this way leaves its threads running: the zygote then forks nothing and every action
    # starts its own interpreter, as before.
    api = sys.modules.get("flyte.syncify._api")
    kind = getattr(api, "_BackgroundLoop", None)
    if kind is None:
        return
    import atexit

    # type(), not isinstance(): the SDK's lazily imported modules answer isinstance by importing.
    for loop in [o for o in gc.get_objects() if type(o) is kind]:
        loop.stop()
        if loop.thread.is_alive():
            continue  # did not stop: the zygote stays multi-threaded, and forks nothing
        loop.loop.close()
        atexit.unregister(loop.stop)
        _paused_loops.append(loop)


def _resume_background_loops():
    for loop in _paused_loops:
        loop.__init__(loop.thread.name)


def _warm(script):
    # What the entry point imports first. An error is the task's: its command meets the same
    # error when it runs, and reports it in its log.
    with contextlib.suppress(Exception):
        if os.path.basename(script) == "a0":
            _warm_flyte()
        else:
            import flytekit.bin.entrypoint  # noqa: F401

            _warm_flytekit()


def _threads():
    return len(os.listdir("/proc/self/task"))


def _single_threaded():
    """Whether this process runs one thread only. A thread Python has joined may still be ending
    in the kernel for a moment (join returns once its Python state is released): with no other
    thread left to Python, the kernel is given up to a second to agree."""
    deadline = time.monotonic() + 1
    while _threads() != 1:
        if threading.active_count() != 1 or time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


def _report(report, text):
    # The sandbox may be gone (a closed pipe): its successor knows the task by its process record.
    with contextlib.suppress(OSError):
        os.write(report, text)
    os.close(report)


def _fork_waiting(control, children, first, started_with):
    """A child forked ahead of its job, waiting for it on a socket of its own: forking a process
    the size of flytekit takes milliseconds, which are then not on the next task's path. None
    with a second thread running (never fork then: a lock held by one stays held in the child)."""
    if not _single_threaded():
        return None
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        try:
            ours.close()
            control.close()
            for pidfd, (_, other) in children.items():
                os.close(pidfd)
                os.close(other)
            _await_job(theirs, first, started_with)
        finally:
            os._exit(70)  # never back into the zygote's loop
    theirs.close()
    return pid, ours


def _await_job(job_socket, first, started_with):
    # In the waiting child: the job as the zygote received it, after a byte saying whether the
    # folders it imported from are unchanged. End-of-file: the zygote retired or died first.
    message, fds = b"", []
    with contextlib.suppress(OSError):
        message, fds, _, _ = socket.recv_fds(job_socket, MAX_JOB_BYTES + 2, 3)
    job_socket.close()
    job = parse_job(message[1:]) if message else None
    if job is None or len(fds) not in (2, 3):
        os._exit(0)
    report, go, ruleset = (fds + [None])[:3]
    _run_task(job, report, go, ruleset, message[:1] == b"1", first, started_with)


def _pass_job(waiting, message, fds):
    """Hands the job and its two pipes to a waiting child; its pid, or None if it died waiting
    (then reaped)."""
    pid, job_socket = waiting
    try:
        socket.send_fds(job_socket, [message], fds)
    except OSError:
        pid = None
        with contextlib.suppress(ChildProcessError):
            os.waitpid(waiting[0], 0)
    job_socket.close()
    return pid


def _dismiss(waiting):
    # A waiting child reads end-of-file and exits having run nothing.
    pid, job_socket = waiting
    job_socket.close()
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _serve(script):
    sys.argv = [script]
    first = 0 if getattr(sys.flags, "safe_path", False) else 1  # where PYTHONPATH's entries begin
    if first:
        sys.path[0] = os.path.dirname(os.path.realpath(script))
    # The control socket moves off stdin, which becomes /dev/null for the tasks.
    control = socket.socket(fileno=os.dup(0))
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    _warm(script)
    imported_from = _import_folders(script)
    started_with = os.environ.get("PYTHONPATH", "")
    sys.stdout.flush()
    sys.stderr.flush()
    with contextlib.suppress(OSError):
        control.send(b"ready")

    poller = select.poll()
    poller.register(control, select.POLLIN)
    children = {}  # pidfd: (pid, report)
    waiting = _fork_waiting(control, children, first, started_with)
    while control is not None or children:
        for fd, _ in poller.poll():
            if control is not None and fd == control.fileno():
                message, fds = b"", []
                with contextlib.suppress(OSError):
                    message, fds, _, _ = socket.recv_fds(control, MAX_JOB_BYTES + 1, 3)
                job = parse_job(message) if message else None
                if not message or len(fds) not in (2, 3) or job is None or not _single_threaded():
                    # The sandbox closed the socket (went away, or retired us), or something is
                    # wrong: no more tasks; the running ones are still waited for and reported.
                    # Never fork with threads (a lock held by one stays held in the child).
                    for unused in fds:
                        os.close(unused)
                    poller.unregister(control)
                    control.close()
                    control = None
                    break
                report = fds[0]
                current = _import_folders(job["script"]) == imported_from
                pid = None
                for _ in range(2):  # a child that died waiting is replaced once
                    if waiting is None:
                        waiting = _fork_waiting(control, children, first, started_with)
                    pid = _pass_job(waiting, (b"1" if current else b"0") + message, fds)
                    waiting = None
                    if pid is not None:
                        break
                for passed_on in fds[1:]:  # go, and the rules if any: the child's now
                    os.close(passed_on)
                if pid is None:
                    os.close(report)  # the sandbox reads end-of-file instead of a pid
                    continue
                with contextlib.suppress(OSError):
                    os.setpgid(pid, pid)  # also here, so the group exists whoever runs first
                pidfd = os.pidfd_open(pid)
                children[pidfd] = (pid, report)
                poller.register(pidfd, select.POLLIN)
                if current:
                    waiting = _fork_waiting(control, children, first, started_with)
                else:
                    # Packages changed: later tasks need a new zygote, which the sandbox starts
                    # once it finds this one's socket closed.
                    poller.unregister(control)
                    control.close()
                    control = None
            else:
                pid, report = children.pop(fd)
                poller.unregister(fd)
                os.close(fd)
                # Like a container whose main process ends, the task's group goes with it; its
                # id is still pinned by the unreaped child.
                os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
                _report(report, b"status %d\n" % status)
        if control is None and waiting is not None:
            _dismiss(waiting)
            waiting = None
    os._exit(0)


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
    # Nothing of the task runs after this point: the status goes to the sandbox now, not after the
    # kernel has torn down a process the size of flytekit (milliseconds on every task's path).
    # The zygote's own report, after it reaps us, then finds the pipe read and closed.
    if _report_fd is not None:
        with contextlib.suppress(OSError):
            os.write(_report_fd, b"status %d\n" % (code << 8))
    os._exit(code)


if __name__ == "__main__":
    _serve(sys.argv[1])
