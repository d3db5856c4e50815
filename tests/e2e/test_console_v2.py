"""Flyte 2 runs in the console, in a real browser against runs made by the real `flyte` CLI
(.venv-flyte2): the link `flyte run` prints opens the run page (the server redirects /v2/... into
/console), which shows the tree of actions the parent enqueued, each SUCCEEDED, and a child's
panel with its inputs and outputs (axe-core's WCAG AA check on each page, light and dark); a
failing run's attempts with their errors; Abort stops a running run with a reason; the runs list
with its phase filter in the URL. The console calls Connect (JSON codec) from its own origin,
and the guard still refuses another origin's calls. Screenshots go to /tmp/v2-console-*.png."""

from __future__ import annotations

import re
import shutil
import time

import pytest
import requests
import test_console
from e2e_support import DOMAIN, FLYTE2PROJ, PROJECT, flyte2
from playwright.sync_api import expect
from test_console_a11y import check

browser = test_console.browser
watched = test_console.watched

SCOPE = ("-p", PROJECT, "-d", DOMAIN)


@pytest.fixture(scope="module")
def sandbox(flyte2_sandbox):
    return flyte2_sandbox


def shot(w, name: str) -> None:
    w.page.screenshot(path=f"/tmp/v2-console-{name}.png", full_page=True)


def flyte_run(sandbox, *args: str) -> tuple[str, str]:
    """`flyte run` (no --follow) of a task in tests/e2e/flyte2proj; the URL it printed and the run's name."""
    project = sandbox.home / "flyte2proj"
    if not project.exists():
        shutil.copytree(FLYTE2PROJ, project)
    result = flyte2(sandbox, "run", *SCOPE, *args, cwd=project, timeout=180)
    url = re.search(rf"{sandbox.http}/v2/domain/{DOMAIN}/project/{PROJECT}/runs/([a-z0-9-]+)", result.stdout)
    assert url, result.stdout + result.stderr
    return url.group(0), url.group(1)


def test_the_printed_run_link_shows_the_action_tree_and_a_childs_data(sandbox, watched):
    # a0 → total(1), total(2), total(3) → 1, 2 and 3 squares: square(i) for i in range(k).
    url, name = flyte_run(sandbox, "fanout.py", "nested", "--n", "3")
    w = watched(bypass_csp=True)  # axe's injected script (check) is not the console's own
    w.page.goto(url)
    expect(w.page).to_have_url(f"{sandbox.http}/console/v2/domain/{DOMAIN}/project/{PROJECT}/runs/{name}")
    expect(w.page.locator("h1")).to_have_text(re.compile(name))
    expect(w.page.locator("#run-phase")).to_have_text(re.compile("Succeeded"), timeout=240_000)
    rows = w.page.locator("#actions tbody tr")
    expect(rows).to_have_count(10)
    expect(rows.first).to_have_attribute("data-action", "a0")
    expect(rows.first.locator("th")).to_contain_text("(3)")  # a0's children
    depths = [rows.nth(i).get_attribute("data-depth") for i in range(10)]
    assert depths[0] == "0" and depths.count("1") == 3 and depths.count("2") == 6, depths
    for i in range(10):
        expect(rows.nth(i).locator(".phase")).to_have_text(re.compile("Succeeded"))
        expect(rows.nth(i).locator("td").nth(0)).to_have_text(
            re.compile({"0": "nested", "1": "total", "2": "square"}[depths[i]]))
        expect(rows.nth(i).locator("td").nth(2)).to_have_text("1")  # attempts
    # Each total directly followed by its own squares, as many as its input says.
    totals = [i for i, d in enumerate(depths) if d == "1"]
    squares = {t: end - t - 1 for t, end in zip(totals, [*totals[1:], 10])}  # row of a total → its squares
    assert sorted(squares.values()) == [1, 2, 3], depths
    shot(w, "run")
    check(w, "v2-run")

    # total(3)'s panel: input n = 3, output 0 + 1 + 4 = 5, drawn by the v1 console's literal renderer.
    biggest = w.page.locator('#actions tr[data-depth="1"]').filter(has_text="(3)")
    biggest.locator("th a").click()
    panel = w.page.locator("#action-panel")
    expect(panel.locator('.action-inputs tr[data-name="n"] code')).to_have_text("3")
    expect(panel.locator('.action-outputs tr[data-name="o0"] code')).to_have_text("5")
    # Its squares' panels: x = 0, 1, 2 (in the order the parent happened to enqueue them), o0 = x * x.
    at = next(t for t, n in squares.items() if n == 3)
    seen = []
    for row in (rows.nth(at + k) for k in (1, 2, 3)):
        child = row.get_attribute("data-action")
        row.get_by_role("link", name=child).click()
        expect(w.page).to_have_url(re.compile(rf"\?action={re.escape(child)}$"))
        expect(panel.locator("h2")).to_contain_text(child)
        expect(panel.locator("#attempts tbody")).to_have_count(1)
        expect(panel.locator("#attempts .phase")).to_have_text(re.compile("Succeeded"))
        expect(panel.locator('.action-outputs tr[data-name="o0"] code')).to_have_text(re.compile(r"^\d+$"))
        x = int(panel.locator('.action-inputs tr[data-name="x"] code').inner_text())
        expect(panel.locator('.action-outputs tr[data-name="o0"] code')).to_have_text(str(x * x))
        seen.append(x)
    assert sorted(seen) == [0, 1, 2], seen
    # The log, through TailLogs.
    log = panel.locator("section[aria-labelledby=logs-heading]")
    expect(log.locator(".log-text, p.muted")).to_be_visible()
    expect(log).not_to_contain_text("Logs not available.")
    shot(w, "action")
    check(w, "v2-action")
    w.page.emulate_media(color_scheme="dark")
    check(w, "v2-action-dark")
    shot(w, "action-dark")
    w.page.emulate_media(color_scheme="light")
    # Esc closes the panel; the tree is still there.
    w.page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(w.page).to_have_url(re.compile(rf"/runs/{name}$"))
    # Collapsing a0 hides everything below it; expanding shows it again.
    rows.first.get_by_role("button", name="Collapse a0").click()
    expect(rows).to_have_count(1)
    rows.first.get_by_role("button", name="Expand a0").click()
    expect(rows).to_have_count(10)
    w.assert_clean()


def test_the_run_page_polls_while_the_run_runs_and_stops_once_it_has_ended(sandbox, watched, tmp_path):
    # A child that sleeps 5 s keeps the run going while the page is open (the tree's run above
    # may end before its page has loaded: its actions take milliseconds).
    url, name = flyte_run(sandbox, "lifecycle.py", "sleepers", "--marker", str(tmp_path / "m"), "--n", "1",
                          "--seconds", "5")
    w = watched()
    listed = []
    w.page.on("request", lambda r: r.url.endswith(".RunService/ListActions") and listed.append(time.monotonic()))
    w.page.goto(url)
    expect(w.page.locator("#run-phase")).to_have_text(re.compile("Running|Queued|Initializing"))
    expect(w.page.locator("#run-phase")).to_have_text(re.compile("Succeeded"), timeout=240_000)
    # Live while it ran (polled every second), and no more once it has ended.
    assert len(listed) >= 3, listed
    polls = len(listed)
    w.page.wait_for_timeout(3000)
    assert len(listed) == polls, "the page kept polling an ended run"
    w.assert_clean()


def test_a_failed_runs_attempts_show_their_errors(sandbox, watched, tmp_path):
    url, name = flyte_run(sandbox, "exec_tasks.py", "always_fails", "--marker", str(tmp_path / "m"))
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("h1")).to_have_text(re.compile(name))
    expect(w.page.locator("#run-phase")).to_have_text(re.compile("Failed"), timeout=240_000)
    expect(w.page.locator("header.execution-header .attempt-error")).to_contain_text("always fails")
    w.page.locator('#actions tr[data-action="a0"]').get_by_role("link", name="a0").click()
    panel = w.page.locator("#action-panel")
    attempts = panel.locator("#attempts tbody")
    expect(attempts).to_have_count(3)  # retries=2
    for i in range(3):
        expect(attempts.nth(i).locator(".phase")).to_have_text(re.compile("Failed"))
        expect(attempts.nth(i).locator(".attempt-error summary")).to_contain_text("always fails")
    expect(panel.locator('.action-inputs tr[data-name="marker"]')).to_contain_text(str(tmp_path / "m"))
    expect(panel.locator(".action-outputs")).to_have_count(0)
    expect(panel).to_contain_text("No outputs.")
    # The last attempt's log, through TailLogs: the task's traceback.
    log = panel.locator("section[aria-labelledby=logs-heading]")
    expect(log.locator(".log-text")).to_contain_text("always fails", timeout=30_000)
    shot(w, "failed")
    w.assert_clean()


def test_abort_stops_a_running_run_with_its_reason(sandbox, watched, tmp_path):
    url, name = flyte_run(sandbox, "exec_tasks.py", "slow_hello", "--marker", str(tmp_path / "m"), "--seconds", "120")
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("h1")).to_have_text(re.compile(name))
    expect(w.page.locator("#run-phase")).to_have_text(re.compile("Running"), timeout=120_000)
    w.page.get_by_role("button", name="Abort…").click()
    dialog = w.page.get_by_role("dialog")
    dialog.get_by_label("Reason").fill("stopped by the console test")
    shot(w, "abort-dialog")
    dialog.get_by_role("button", name="Abort", exact=True).click()
    expect(w.page.locator("#run-phase")).to_have_text(re.compile("Aborted"), timeout=60_000)
    expect(w.page.locator("header.execution-header")).to_contain_text("stopped by the console test")
    expect(w.page.get_by_role("button", name="Abort…")).to_have_count(0)
    w.assert_clean()


def test_runs_list_with_its_phase_filter_in_the_url(sandbox, watched):
    _, ok = flyte_run(sandbox, "hello.py", "say_hello", "--name", "list")
    w = watched(bypass_csp=True)
    w.page.goto(f"{sandbox.http}/console/projects/{PROJECT}/domains/{DOMAIN}/executions")
    w.page.get_by_role("navigation", name="Project pages").get_by_role("link", name="Runs (Flyte 2)").click()
    expect(w.page).to_have_url(f"{sandbox.http}/console/projects/{PROJECT}/domains/{DOMAIN}/runs")
    expect(w.page.locator(f'#runs tr[data-run="{ok}"] .phase')).to_have_text(re.compile("Succeeded"), timeout=120_000)
    names = w.page.locator("#runs tbody tr")
    every = names.count()
    assert every >= 2, every  # the runs of the tests before are listed too
    expect(w.page.locator(f'#runs tr[data-run="{ok}"]')).to_contain_text("say_hello")
    shot(w, "runs")
    check(w, "v2-runs")
    # Succeeded only: the URL says so, the server filters, the failed run of the test before is gone.
    w.page.get_by_role("checkbox", name="Succeeded").check()
    expect(w.page).to_have_url(re.compile(r"/runs\?phase=succeeded$"))
    expect(w.page.locator(f'#runs tr[data-run="{ok}"]')).to_be_visible()
    for phase in w.page.locator("#runs tbody .phase").all_inner_texts():
        assert "Succeeded" in phase, phase
    w.page.reload()
    expect(w.page.get_by_role("checkbox", name="Succeeded")).to_be_checked()
    w.page.get_by_role("checkbox", name="Failed").check()
    expect(w.page).to_have_url(re.compile(r"/runs\?phase=succeeded%3Bfailed$"))
    expect(names).to_have_count(every - 1)  # all but the aborted run
    # A run's link opens its page.
    w.page.get_by_role("link", name=ok).click()
    expect(w.page).to_have_url(f"{sandbox.http}/console/v2/domain/{DOMAIN}/project/{PROJECT}/runs/{ok}")
    expect(w.page.locator("#run-phase")).to_have_text(re.compile("Succeeded"))
    w.assert_clean()


def test_connect_calls_from_another_origin_are_refused(sandbox):
    body = {"projectId": {"name": PROJECT, "domain": DOMAIN}, "request": {"limit": 1}}
    path = "/flyteidl2.workflow.RunService/ListRuns"
    same = requests.post(sandbox.http + path, json=body, headers={"Origin": sandbox.http}, timeout=10)
    assert same.status_code == 200, same.text
    other = requests.post(sandbox.http + path, json=body, headers={"Origin": "http://evil.example"}, timeout=10)
    assert other.status_code == 403, other.text
    assert "cross-origin" in other.text
