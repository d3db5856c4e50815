"""Workflows of tests/e2e/test_console_exec.py: a task whose log grows while it runs (the
console's log viewer follows it), with resources and retries that its side panel shows."""

import time

from flytekit import Resources, task, workflow


@task(retries=1, requests=Resources(cpu="1", mem="200Mi"), limits=Resources(mem="500Mi"))
def ticker(count: int, label: str) -> str:
    for i in range(count):
        print(f"{label} line {i}", flush=True)
        time.sleep(0.1)
    return f"{label} printed {count} lines"


@workflow
def ticker_wf(count: int, label: str) -> str:
    return ticker(count=count, label=label)
