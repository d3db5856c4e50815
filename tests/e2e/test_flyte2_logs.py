"""Flyte 2 logs: DataProxyService/TailLogs (a Connect server stream) read as it comes follows a
running task's log, its first line arriving while the task runs, and ends cleanly once the run
has (an unknown action is not_found); with the real `flyte` CLI (.venv-flyte2), `flyte get logs`
of a finished run shows what its task printed, a line each, and `flyte run --follow` of a task
printing over ~2 s shows its lines and exits 0 once the run has ended (the SDK waits for
logs_available, then follows the stream until the sandbox ends it); `run.get_report()`
downloads a task's report through CreateDownloadLink's signed URL; and /metrics counts the
Flyte 2 actions the executor ran and times the runs."""

from __future__ import annotations

import json
import re
import subprocess

import requests
from e2e_support import DOMAIN, FLYTE2_BIN, PROJECT, flyte2
from prometheus_client.parser import text_string_to_metric_families
from flyte2_support import (
    SCOPE,
    TERMINAL,
    details,
    flyte_run,
    project_copy,
    run_id,
    wait_for,
)


def scrape(sandbox) -> dict:
    """Samples by (name, frozenset of labels)."""
    rsp = requests.get(f"{sandbox.http}/metrics", timeout=10)
    assert rsp.status_code == 200, rsp.text
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(rsp.text) for s in family.samples}


def phase_count(samples: dict, phase: str) -> float:
    return samples.get(("flyte_engine_action_phase_transitions_total", frozenset({("phase", phase)})), 0.0)


def read_exactly(raw, size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = raw.read(size - len(data))
        assert more, f"the stream ended after {len(data)} of {size} bytes"
        data += more
    return data


def tail_logs(sandbox, run: str, action: str = "a0"):
    """TailLogs over Connect's JSON stream codec: yields (is_end, message) per envelope, as read."""
    body = json.dumps({"actionId": {"run": run_id(run), "name": action}, "attempt": 1}).encode()
    rsp = requests.post(f"{sandbox.http}/flyteidl2.dataproxy.DataProxyService/TailLogs",
                        data=b"\x00" + len(body).to_bytes(4, "big") + body,
                        headers={"Content-Type": "application/connect+json"}, stream=True, timeout=60)
    assert rsp.status_code == 200, rsp.text
    while True:
        header = read_exactly(rsp.raw, 5)
        message = json.loads(read_exactly(rsp.raw, int.from_bytes(header[1:], "big")))
        yield bool(header[0] & 0x02), message
        if header[0] & 0x02:
            return


def test_tail_logs_follows_a_running_task_and_ends_with_it(flyte2_sandbox):
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "logs-live", "logs_tasks.py", "chatty", "--lines", "16", "--pause", "0.5")
    wait_for(sandbox, "logs-live", {"ACTION_PHASE_RUNNING"})
    lines, phase_at_first_line, end = [], None, None
    for is_end, message in tail_logs(sandbox, "logs-live"):
        if is_end:
            end = message
            break
        for logs in message.get("logs", []):
            for line in logs.get("lines", []):
                assert line["originator"] == "USER" and line["message"].endswith("\n")
                if line["message"].startswith("chatty line") and phase_at_first_line is None:
                    phase_at_first_line = details(sandbox, "logs-live")["status"]["phase"]
                lines.append(line["message"])
    # The first line came while the task still ran (the stream followed the file), the stream
    # ended cleanly once the run had ended, with every line.
    assert phase_at_first_line == "ACTION_PHASE_RUNNING"
    assert end == {}
    assert [m for m in lines if m.startswith("chatty line")] == [f"chatty line {i} of 16\n" for i in range(16)]
    assert details(sandbox, "logs-live")["status"]["phase"] == "ACTION_PHASE_SUCCEEDED"

    # An action the run does not have: not_found, which the SDK retries.
    [(is_end, message)] = list(tail_logs(sandbox, "logs-live", "nope"))
    assert is_end and message["error"]["code"] == "not_found"


def test_get_logs_shows_what_the_task_printed_and_metrics_count_the_run(flyte2_sandbox):
    sandbox = flyte2_sandbox
    before = scrape(sandbox)
    # Registered at start: a scrape shows them before any run.
    assert ("flyte_engine_active_actions", frozenset()) in before
    assert ("flyte_engine_run_duration_seconds_count", frozenset()) in before

    flyte_run(sandbox, "logs-get", "logs_tasks.py", "chatty", "--lines", "3", "--pause", "0")
    action = wait_for(sandbox, "logs-get", TERMINAL)
    assert action["status"]["phase"] == "ACTION_PHASE_SUCCEEDED", action
    assert action["attempts"][0]["logsAvailable"] is True

    shown = flyte2(sandbox, "get", "logs", *SCOPE, "logs-get", timeout=60)
    printed = [line.strip() for line in shown.stdout.splitlines()]
    assert [line for line in printed if line.startswith("chatty line")] == [
        "chatty line 0 of 3", "chatty line 1 of 3", "chatty line 2 of 3"], shown.stdout + shown.stderr

    after = scrape(sandbox)
    assert phase_count(after, "QUEUED") - phase_count(before, "QUEUED") >= 1
    assert phase_count(after, "RUNNING") - phase_count(before, "RUNNING") >= 1
    assert phase_count(after, "SUCCEEDED") - phase_count(before, "SUCCEEDED") >= 1
    runs = ("flyte_engine_run_duration_seconds_count", frozenset())
    assert after[runs] - before[runs] >= 1
    assert after[("flyte_engine_active_actions", frozenset())] >= 0


def test_run_follow_streams_the_lines_and_exits_when_the_run_ends(flyte2_sandbox):
    sandbox = flyte2_sandbox
    result = flyte2(sandbox, "run", *SCOPE, "--follow", "--name", "logs-follow", "logs_tasks.py", "chatty",
                    "--lines", "8", "--pause", "0.25", cwd=project_copy(sandbox), timeout=180)
    output = result.stdout + result.stderr
    assert "Created Run: logs-follow" in output, output
    # The live viewer redraws its last lines in place: each line shows up at least once.
    for i in range(8):
        assert re.search(rf"chatty line {i} of 8", output), output
    # It returned because the stream ended with the run, which has succeeded by then.
    action = wait_for(sandbox, "logs-follow", TERMINAL, timeout=5)
    assert action["status"]["phase"] == "ACTION_PHASE_SUCCEEDED", action
    log = sandbox.state_dir / "logs" / "v2" / PROJECT / DOMAIN / "logs-follow" / "a0" / "1" / "task.log"
    assert "chatty line 7 of 8" in log.read_text()


REPORT_SCRIPT = """
import sys
import flyte
import flyte.remote

flyte.init_from_config(sys.argv[1], project=sys.argv[2], domain=sys.argv[3])
print(flyte.remote.Run.get(name=sys.argv[4]).get_report())
"""


def test_get_report_downloads_the_report_the_task_wrote(flyte2_sandbox):
    sandbox = flyte2_sandbox
    flyte_run(sandbox, "logs-report", "logs_tasks.py", "reporting", "--text", "reported-by-the-task")
    action = wait_for(sandbox, "logs-report", TERMINAL)
    assert action["status"]["phase"] == "ACTION_PHASE_SUCCEEDED", action
    result = subprocess.run([str(FLYTE2_BIN / "python"), "-c", REPORT_SCRIPT, str(sandbox.config_path), PROJECT, DOMAIN,
                             "logs-report"],
                            env=sandbox.env, cwd=str(sandbox.home), capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "<p>reported-by-the-task</p>" in result.stdout, result.stdout + result.stderr
