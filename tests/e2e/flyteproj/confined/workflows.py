"""A task that tries to open files and signal a process, for the confinement test: it reports what
it could do instead of failing, so the test sees every answer."""

import os
import typing

from flytekit import task, workflow


@task
def probe(paths: typing.List[str], server_pid: int) -> typing.List[str]:
    results = []
    for path in paths:
        try:
            with open(path, "rb") as f:
                f.read(1)
            results.append(f"read {path}")
        except PermissionError:
            results.append(f"denied {path}")
    try:
        os.kill(server_pid, 0)
        results.append("signal allowed")
    except PermissionError:
        results.append("signal denied")
    return results


@workflow
def probe_wf(paths: typing.List[str], server_pid: int) -> typing.List[str]:
    return probe(paths=paths, server_pid=server_pid)
