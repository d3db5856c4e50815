"""Flyte 2 tasks the executor tests run: each appends to a marker file the test names, so the test
can count how many times the task body ran."""

import time

import flyte

env = flyte.TaskEnvironment(name="exec_env")


@env.task(retries=2)
async def always_fails(marker: str) -> str:
    with open(marker, "a") as out:
        out.write("attempt\n")
    raise ValueError("always fails")


@env.task
async def slow_hello(marker: str, seconds: float) -> str:
    with open(marker, "a") as out:
        out.write("start\n")
    time.sleep(seconds)
    with open(marker, "a") as out:
        out.write("end\n")
    return f"slept {seconds}"


@env.task
async def interpreter() -> str:
    """Where this action's interpreter came from: "<start time> <pid of the zygote it was forked
    from, or 0> <threads of that zygote>" (start time in seconds since the epoch: its zygote's
    when forked from one, else its own)."""
    import os

    process, zygote, threads = "self", 0, 0
    with open(f"/proc/{os.getppid()}/cmdline", "rb") as parent:
        if b"flyte_python_worker.py" in parent.read():
            process, zygote = str(os.getppid()), os.getppid()
            threads = len(os.listdir(f"/proc/{zygote}/task"))
    with open(f"/proc/{process}/stat") as stat:
        start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])  # field 22, starttime
    with open("/proc/uptime") as uptime:
        booted = time.time() - float(uptime.read().split()[0])
    return f"{booted + start_ticks / os.sysconf('SC_CLK_TCK')} {zygote} {threads}"
