"""The console's execution page in depth, in a real browser against executions run by real
`pyflyte run --remote`: literals rendered faithfully (msgpack dataclasses decoded, int64 beyond
2^53 exact, files with their URIs), and the node side panel (attempts with errors, inputs and
outputs of the node and of each attempt, the task template, a log viewer that follows a running
task's log through Range requests). Screenshots go to build/console-screenshots/exec-*.png."""

from __future__ import annotations

import json
import re

import test_console
from e2e_support import DOMAIN, FLYTEPROJ, PROJECT, run_pyflyte
from playwright.sync_api import expect

# The browser and the watched pages (console errors, failed and off-origin requests) of
# test_console.py: fixtures, shared by name.
browser = test_console.browser
watched = test_console.watched

BIG = 2**62 + 1  # beyond 2^53: a JavaScript number would print 4611686018427387904


def run(sandbox, path: str, workflow: str, *args, wait: bool) -> str:
    """`pyflyte run --remote` of a workflow in tests/e2e/flyteproj; returns the URL it printed."""
    flags = ["--wait", "--poll-interval", "1"] if wait else []
    res = run_pyflyte(
        sandbox, "--config", sandbox.config_path, "run", "--remote", *flags,
        "--project", PROJECT, "--domain", DOMAIN, path, workflow, *args, cwd=FLYTEPROJ,
    )
    assert res.returncode == 0, res.output
    match = test_console.URL_PRINTED.search(res.output)
    assert match, res.output
    return match.group(1)


def test_dataclasses_files_and_big_integers_render_decoded(sandbox, watched):
    given = {"name": "g", "origin": {"x": BIG, "y": 2.5}, "points": [{"x": 1, "y": 0.5}], "tags": ["a"]}
    url = run(sandbox, "datatypes/workflows.py", "dataclass_wf", "--name", "sq", "--n", "2",
              "--given", json.dumps(given), wait=True)
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=30_000)
    inputs, outputs = w.page.locator(".values").nth(0), w.page.locator(".values").nth(1)
    # The input dataclass: a msgpack Binary decoded field by field, its int64 exact.
    given_row = inputs.locator('tr[data-name="given"]')
    expect(given_row.locator(".lit").first).to_have_attribute("data-kind", "map")
    expect(given_row).to_contain_text("msgpack")
    expect(given_row).to_contain_text(f'"x": {BIG}')
    # Outputs: o0 = move_shape(make_shape("sq", 2), 10); o5 = given moved by 1 (x + 1 stays exact).
    o0 = outputs.locator('tr[data-name="o0"]')
    expect(o0).to_contain_text('"name": "sq-moved"')
    expect(o0).to_contain_text('"origin": {"x": 12, "y": 1.0}')
    expect(outputs.locator('tr[data-name="o5"]')).to_contain_text(f'"x": {BIG + 1}')
    expect(outputs.locator('tr[data-name="o6"]')).to_have_text(re.compile(rf'^o6\s*"\({BIG}, 2\.5\)"$'))
    # Nested values fold beyond the first level and unfold on a click.
    points = o0.locator('[data-key="points"] > dd > details')
    expect(points).not_to_have_attribute("open", "")
    summary = points.locator("> summary")
    expect(summary).to_have_text('[{"x": 10, "y": 0.0}, {"x": 11, "y": 1.5}, {"x": 99, "y": 0.25}]', use_inner_text=True)
    summary.click()
    expect(points.locator("> .lit-items > div > dt")).to_have_text(["[0]", "[1]", "[2]"])
    expect(summary).to_have_text("list of 3", use_inner_text=True)
    w.screenshot("exec-literals")
    w.page.emulate_media(color_scheme="dark")
    w.screenshot("exec-literals-dark")
    w.assert_clean()


def test_node_panel_follows_a_running_tasks_log_live(sandbox, watched):
    count = 80  # a line every 100 ms: 8 s of output
    url = run(sandbox, "runs/console.py", "ticker_wf", "--count", str(count), "--label", "tick", wait=False)
    w = watched()
    log_requests: list[tuple[str | None, int]] = []
    w.page.on("response", lambda r: "/logs/" in r.url and log_requests.append((r.request.headers.get("range"), r.status)))
    w.page.goto(url)
    w.page.evaluate("window.__sameDocument = true")
    row = w.page.locator('#nodes tr[data-node="n0"]')
    expect(row.locator(".phase")).to_have_text(re.compile("Running"), timeout=20_000)
    row.locator("td").first.click()  # the whole row opens the panel
    expect(w.page).to_have_url(re.compile(r"\?node=n0$"))
    panel = w.page.locator("#node-panel")
    expect(panel.locator("h2")).to_contain_text("n0")
    expect(panel.locator("h2")).to_be_focused()
    log = panel.locator(".log-text")
    expect(log).to_contain_text("tick line 0", timeout=10_000)
    # New lines arrive while the task runs, in place.
    first = log.inner_text().count("tick line")
    assert first < count, "the task ended before the viewer could follow it"
    expect(log).to_contain_text(f"tick line {min(first + 10, count - 1)}", timeout=5_000)
    w.screenshot("exec-panel-log-running")
    expect(log).to_contain_text(f"tick line {count - 1}", timeout=30_000)
    expect(panel.locator("#attempts tbody .phase")).to_have_text([re.compile("Succeeded")], timeout=10_000)
    assert log.inner_text().count("tick line") == count  # every line once, none twice
    assert w.page.evaluate("window.__sameDocument") is True
    # Only the new bytes were asked for: after the first read, every request is a Range answered 206.
    assert log_requests[0] == (None, 200), log_requests
    assert len(log_requests) >= 3 and all(rng and status == 206 for rng, status in log_requests[1:]), log_requests
    # What flytekit passed and got back, at node and attempt level (by name); the task template.
    expect(panel.locator(".node-inputs tr")).to_have_text([re.compile(rf"^count\s*{count}$"), re.compile(r'^label\s*"tick"$')])
    expect(panel.locator(".node-outputs tr")).to_have_text([re.compile(rf'^o0\s*"tick printed {count} lines"$')])
    expect(panel.locator(".attempt-outputs tr")).to_have_text([re.compile(rf'^o0\s*"tick printed {count} lines"$')])
    template = panel.locator("#task-template")
    expect(template).to_contain_text("python-task")
    expect(template).to_contain_text("cpu 1, memory 200Mi")
    expect(template).to_contain_text("memory 500Mi")
    expect(template).to_contain_text("pyflyte-execute")
    expect(template.locator("div", has_text="Retries")).to_contain_text("1")
    w.screenshot("exec-panel-succeeded")
    w.page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(w.page).to_have_url(re.compile(r"/executions/[a-z0-9]+$"))
    w.assert_clean()


def test_panel_opens_from_its_url_with_each_attempt_and_its_error(sandbox, watched):
    url = run(sandbox, "runs/workflows.py", "flaky_wf", "--word", "done", wait=True)
    w = watched()
    w.page.goto(url + "?node=n0")
    panel = w.page.locator("#node-panel")
    attempts = panel.locator("#attempts tbody")
    expect(attempts).to_have_count(2)
    expect(attempts.nth(0).locator(".phase")).to_have_text(re.compile("Failed"))
    # The error's last line in view (where Python names the exception); the trace folded under it.
    error = attempts.nth(0).locator(".attempt-error")
    expect(error.locator("summary")).to_have_text(re.compile(r"FlyteRecoverableException: .*the first attempt always fails$"))
    expect(error.locator(".trace")).not_to_be_visible()
    error.locator("summary").click()
    expect(error.locator(".trace")).to_contain_text("Traceback")
    expect(attempts.nth(1).locator(".phase")).to_have_text(re.compile("Succeeded"))
    # The last attempt is shown first; its outputs are the node's.
    expect(attempts.nth(1)).to_have_attribute("aria-current", "true")
    expect(panel.locator(".attempt-outputs tr")).to_have_text([re.compile(r'^o0\s*"done on attempt 1"$')])
    attempts.nth(0).get_by_role("link", name="#1").click()
    expect(w.page).to_have_url(re.compile(r"\?node=n0&attempt=0$"))
    expect(panel.locator("#logs-heading")).to_have_text("Logs of attempt #1")
    expect(panel.locator(".log-text")).to_contain_text("the first attempt always fails")
    expect(panel.locator(".panel-io").nth(1)).to_contain_text("No outputs.")
    expect(panel.locator(".attempt-inputs tr")).to_have_text([re.compile(r'^word\s*"done"$')])
    w.screenshot("exec-panel-retries")
    w.page.emulate_media(color_scheme="dark")
    w.screenshot("exec-panel-retries-dark")
    # Back closes the attempt choice, then the panel's close link closes it.
    w.page.go_back()
    expect(w.page).to_have_url(re.compile(r"\?node=n0$"))
    panel.get_by_role("link", name="Close").click()
    expect(panel).to_have_count(0)
    w.assert_clean()


def test_nodes_tab_nests_sub_workflows_dynamic_and_map_children_with_cache_status(sandbox, watched):
    run(sandbox, "runs/console.py", "tree_wf", "--x", "2", "--n", "4", wait=True)  # fills the cache
    url = run(sandbox, "runs/console.py", "tree_wf", "--x", "2", "--n", "4", wait=True)
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"))
    nodes = w.page.locator("#nodes")
    top = nodes.locator("tbody tr")
    expect(top).to_have_count(6)
    kinds = {"n0": "sub-workflow", "n1": "launch plan", "n2": "dynamic", "n3": "task", "n4": "map", "n5": "task"}
    for node_id, kind in kinds.items():
        expect(nodes.locator(f'tr[data-node="{node_id}"]')).to_have_attribute("data-kind", kind)
    expect(nodes.locator('tr[data-node="n5"] .cache')).to_have_text("↺ cache hit")  # the second run
    expect(nodes.locator('tr[data-node="n3"] td').nth(3)).to_have_text("1")  # attempts
    # The map: phase counts, then its items by index, the failing one failed.
    n4 = nodes.locator('tr[data-node="n4"]')
    expect(n4).to_contain_text("3 succeeded, 1 failed")
    expect(n4.locator("td").first).to_contain_text(re.compile(r"^maybe_fail map"))  # the task each item runs
    expect(nodes.locator('tr[data-node="n5"] td').nth(3)).to_have_text("")  # a cache hit runs no attempt
    n4.get_by_role("button", name="Expand n4").click()
    items = nodes.locator('tr[data-kind="map item"]')
    expect(items).to_have_count(4)
    expect(items.nth(3).locator(".phase")).to_have_text(re.compile("Failed"))
    expect(items.nth(0)).to_contain_text("[0]")
    # The sub-workflow's and the dynamic node's children, indented under them, all from the cache.
    nodes.get_by_role("button", name="Expand n0").click()
    nodes.get_by_role("button", name="Expand n2").click()
    expect(nodes.locator('tr[data-node="n0-0-n0"]')).to_contain_text("cached_double")
    expect(nodes.locator('tr[data-node="n0-0-n0"] th')).to_have_class(re.compile("depth-1"))
    dynamic_children = nodes.locator('tr[data-node^="n2-0-dn"]')
    expect(dynamic_children).to_have_count(4)
    expect(dynamic_children.locator(".cache")).to_have_text(["↺ cache hit"] * 4)
    # Named from the workflow the dynamic node generated.
    expect(dynamic_children.locator("td:first-of-type")).to_have_text([re.compile(r"^cached_double task")] * 4)
    w.screenshot("exec-nodes-tree")
    w.page.emulate_media(color_scheme="dark")
    w.screenshot("exec-nodes-tree-dark")
    w.page.emulate_media(color_scheme="light")
    # A nested node's row opens its panel (read by its own id: it is not in the top level).
    nodes.locator('tr[data-node="n0-0-n0"] td').nth(0).click()
    panel = w.page.locator("#node-panel")
    expect(panel.locator("h2")).to_contain_text("n0-0-n0")
    expect(panel.locator(".node-inputs tr")).to_have_text([re.compile(r"^x\s*2$")])
    expect(panel.locator(".node-outputs tr")).to_have_text([re.compile(r"^o0\s*4$")])
    w.page.keyboard.press("Escape")
    # The launch plan node links to its child execution.
    child = nodes.locator('tr[data-node="n1"]').get_by_role("link", name=re.compile("^child execution "))
    child_name = child.inner_text().rsplit(" ", 1)[1]
    child.click()
    expect(w.page.locator("h1")).to_contain_text(child_name)
    expect(w.page.locator("body")).to_contain_text("runs.console.inner")
    w.assert_clean()


def names_in(rows) -> list[str]:
    return rows.evaluate_all("rows => rows.map(r => r.dataset.name)")


def test_inputs_and_outputs_keep_their_declared_order(sandbox, watched):
    # Declared x1, x2, x10 in; total, count, mean out (a NamedTuple); the task in between returns
    # o0..o10. Neither the gateway's map order nor the alphabet gives these orders.
    url = run(sandbox, "runs/console.py", "order_wf", "--x1", "1", "--x2", "2", "--x10", "10", wait=True)
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=30_000)
    inputs, outputs = w.page.locator(".values").nth(0), w.page.locator(".values").nth(1)
    expect(outputs.locator("tr")).to_have_count(3)
    assert names_in(inputs.locator("tr")) == ["x1", "x2", "x10"]
    assert names_in(outputs.locator("tr")) == ["total", "count", "mean"]  # the workflow's output bindings
    expect(outputs.locator("tr").first).to_have_text(re.compile(r"^total\s*36$"))  # 13 + 23
    # The node side panel: the task's inputs, and its eleven outputs o0 … o10.
    w.page.locator('#nodes tr[data-node="n0"] td').first.click()
    panel = w.page.locator("#node-panel")
    expect(panel.locator(".node-outputs tr")).to_have_count(11)
    assert names_in(panel.locator(".node-inputs tr")) == ["x1", "x2", "x10"]
    assert names_in(panel.locator(".node-outputs tr")) == [f"o{i}" for i in range(11)]
    expect(panel.locator(".attempt-outputs tr")).to_have_count(11)
    assert names_in(panel.locator(".attempt-outputs tr")) == [f"o{i}" for i in range(11)]
    w.screenshot("exec-declared-order")
    # The launch form and the workflow's page list them the same way.
    w.page.goto(url.split("/executions/")[0] + "/workflows/runs.console.order_wf")
    expect(w.page.locator("#inputs tbody tr")).to_have_count(3)
    expect(w.page.locator("#inputs tbody th")).to_have_text(["x1", "x2", "x10"])
    expect(w.page.locator("#outputs tbody th")).to_have_text(["total", "count", "mean"])
    w.page.get_by_role("button", name="Launch…").click()
    form = w.page.get_by_role("dialog")
    expect(form.locator(".launch-field")).to_have_count(3)
    assert form.locator(".launch-field").evaluate_all("fs => fs.map(f => f.dataset.input)") == ["x1", "x2", "x10"]
    w.screenshot("launch-declared-order")
    w.assert_clean()
