"""The execution page's Graph and Timeline tabs in a real browser (Debian's Chromium through
Playwright): a flytekit workflow with a sub-workflow, a branch and a map task run by real
`pyflyte run --remote` shows every node by name with its phase, nested nodes inside their boxes,
the branch's untaken alternative as not run and the map's done/total; the Timeline has one row of
bars per executed node; a 1,000-node chain registered over gRPC opens its Graph tab and answers
the keyboard within seconds. No console error, failed request or request off the origin.
Screenshots go to build/console-screenshots/."""

from __future__ import annotations

import re
import time

from flyteidl.admin import execution_pb2, task_pb2
from flyteidl.core import identifier_pb2, interface_pb2, tasks_pb2, workflow_pb2
from playwright.sync_api import expect

from e2e_support import DOMAIN, FLYTEPROJ, PROJECT, RPC_TIMEOUT_S, register_launchable, run_pyflyte, unique
from test_console import URL_PRINTED, browser, watched  # noqa: F401  (fixtures)

CHAIN = 1000


def run_graph_wf(sandbox) -> str:
    res = run_pyflyte(
        sandbox, "--config", sandbox.config_path, "run", "--remote", "--wait", "--poll-interval", "1",
        "--project", PROJECT, "--domain", DOMAIN, "runs/graphs.py", "graph_wf", "--x", "7", "--xs", "[1, 2, 3, 4]",
        cwd=FLYTEPROJ,
    )
    assert res.returncode == 0, res.output
    match = URL_PRINTED.search(res.output)
    assert match, res.output
    return match.group(1)


def node(page, key: str):
    return page.locator(f'svg.graph-canvas g.gnode[data-node="{key}"]')


def test_graph_shows_nested_nodes_with_names_and_phases_and_the_timeline_one_row_per_node(sandbox, watched):
    url = run_graph_wf(sandbox)
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"))
    w.page.get_by_role("tab", name="Graph").click()
    assert w.page.url.endswith("?tab=graph")
    expect(w.page.locator("svg.graph-canvas[data-ready]")).to_have_count(1)
    expected = {
        "n0": ("inner_wf", "Succeeded"),  # the sub-workflow's box…
        "n0-0-n0": ("square", "Succeeded"),  # …and the node inside it
        "n1": ("add", "Succeeded"),
        "n2": ("big", "Succeeded"),  # the branch: x=7 > 5 took square
        "n2-0-n2-n0": ("square", "Succeeded"),
        "n2-0-n2-n1": ("add", "Not run"),
        "n3": ("double", "Succeeded 4/4"),  # map task over four items
    }
    for key, (label, phase) in expected.items():
        shape = node(w.page, key)
        expect(shape.locator(".gnode-label").first).to_contain_text(label)
        expect(shape.locator(".gnode-phase").first).to_contain_text(phase)
    # Nested: the sub-workflow's node is drawn inside its box.
    expect(node(w.page, "n0").locator('g.gnode[data-node="n0-0-n0"]')).to_have_count(1)
    expect(w.page.locator('g.gnode[data-node="start-node"]')).to_have_count(1)
    w.screenshot("graph-nested")
    w.page.emulate_media(color_scheme="dark")
    w.screenshot("graph-nested-dark")
    w.page.emulate_media(color_scheme="light")

    # Keyboard: zoom out, fit, back to 100 %.
    zoom = w.page.locator(".graph-zoom")
    w.page.locator("svg.graph-canvas").focus()
    before = zoom.inner_text()
    w.page.keyboard.press("-")
    expect(zoom).not_to_have_text(before)
    w.page.keyboard.press("0")
    expect(zoom).to_have_text("100 %")
    # From node to node: Enter starts at the first, arrows follow edges, Enter goes into a box,
    # Escape back out; the focused node is named to assistive technology.
    canvas = w.page.locator("svg.graph-canvas")
    for key, active in [("Enter", "start-node"), ("ArrowRight", "n0"), ("Enter", "n0-0-start-node"),
                        ("ArrowRight", "n0-0-n0"), ("Escape", "n0"), ("ArrowDown", "n2")]:
        w.page.keyboard.press(key)
        expect(canvas).to_have_attribute("aria-activedescendant", f"gnode-{active}")
    expect(w.page.locator("#gnode-n2")).to_have_attribute("aria-label", "n2, big, Succeeded")
    expect(w.page.locator("#gnode-n2")).to_have_class(re.compile("gnode-active"))
    w.screenshot("graph-keyboard-focus")
    w.page.keyboard.press("Escape")
    expect(canvas).not_to_have_attribute("aria-activedescendant", re.compile("."))
    # A click on a box's title collapses it to one node saying what it hides; another opens it.
    node(w.page, "n0").locator(".gnode-label").first.click()
    expect(node(w.page, "n0").locator(".gnode-hidden")).to_have_text("3 nodes inside")
    expect(node(w.page, "n0-0-n0")).to_have_count(0)
    expect(node(w.page, "n0").locator(".gnode-phase")).to_contain_text("Succeeded")
    w.screenshot("graph-collapsed")
    node(w.page, "n0").locator(".gnode-label").first.click()
    expect(node(w.page, "n0-0-n0")).to_have_count(1)

    # Timeline by its shortcut: one row per executed node, each with a running bar.
    w.page.keyboard.press("3")
    assert w.page.url.endswith("?tab=timeline")
    rows = w.page.locator("#timeline g.trow")
    expect(rows).to_have_count(6)
    assert [rows.nth(i).get_attribute("data-node") for i in range(6)] == [
        "n0", "n0-0-n0", "n1", "n2", "n2-0-n2-n0", "n3",
    ]
    for i in range(6):
        expect(rows.nth(i).locator("rect.seg-running")).to_have_count(1)
        expect(rows.nth(i).locator(".trow-label")).to_contain_text("Succeeded")
    w.screenshot("timeline")
    w.page.emulate_media(color_scheme="dark")
    w.screenshot("timeline-dark")
    w.page.emulate_media(color_scheme="light")
    # Back returns to the Graph tab.
    w.page.go_back()
    expect(w.page.get_by_role("tab", name="Graph")).to_have_attribute("aria-selected", "true")
    w.assert_clean()


def test_a_click_or_enter_on_a_graph_node_opens_its_panel_and_closing_returns_to_the_graph(sandbox, watched):
    url = run_graph_wf(sandbox)
    w = watched()
    w.page.goto(url + "?tab=graph")
    expect(w.page.locator("svg.graph-canvas[data-ready]")).to_have_count(1)
    expect(node(w.page, "n1").locator(".gnode-phase")).to_contain_text("Succeeded")
    canvas = w.page.locator("svg.graph-canvas")
    view = canvas.locator("> g")
    canvas.focus()
    w.page.keyboard.press("-")  # a view of the reader's own, which closing the panel must keep
    where = view.get_attribute("transform")
    # A click on a task node: its panel, as the Nodes tab opens it, with the tab kept in the URL.
    node(w.page, "n1").click()
    expect(w.page).to_have_url(re.compile(r"\?tab=graph&node=n1$"))
    panel = w.page.locator("#node-panel")
    expect(panel.locator("h2")).to_contain_text("n1")
    expect(panel.locator("#attempts tbody .phase")).to_have_text([re.compile("Succeeded")])
    expect(panel.locator(".node-outputs tr")).to_have_text([re.compile(r"^o0\s*50$")])  # square(7) + 1
    expect(w.page.get_by_role("tab", name="Graph")).to_have_attribute("aria-selected", "true")
    expect(node(w.page, "n1")).to_have_class(re.compile("gnode-selected"))
    # The node is not left under the panel: the view moved it into the graph's uncovered part.
    expect(view).not_to_have_attribute("transform", where)
    shown, cover = node(w.page, "n1").bounding_box(), panel.bounding_box()
    assert shown["x"] + shown["width"] <= cover["x"], (shown, cover)
    w.screenshot("graph-node-panel")
    panel.get_by_role("link", name="Close").click()
    expect(panel).to_have_count(0)
    expect(w.page).to_have_url(re.compile(r"\?tab=graph$"))
    expect(w.page.get_by_role("tab", name="Graph")).to_have_attribute("aria-selected", "true")
    assert view.get_attribute("transform") == where  # the graph where it was
    expect(canvas).to_be_focused()
    expect(canvas).to_have_attribute("aria-activedescendant", "gnode-n1")
    # The keyboard: into the sub-workflow's box, onto its task, Enter opens that nested node's panel.
    w.page.keyboard.press("Escape")
    for key in ["Enter", "ArrowRight", "Enter", "ArrowRight"]:
        w.page.keyboard.press(key)
    expect(canvas).to_have_attribute("aria-activedescendant", "gnode-n0-0-n0")
    w.page.keyboard.press("Enter")
    expect(w.page).to_have_url(re.compile(r"\?tab=graph&node=n0-0-n0$"))
    expect(panel.locator("h2")).to_contain_text("n0-0-n0")
    expect(panel.locator(".node-inputs tr")).to_have_text([re.compile(r"^x\s*7$")])
    expect(panel.locator("h2")).to_be_focused()
    w.page.keyboard.press("Escape")  # closes the panel; the keyboard is back on the node
    expect(panel).to_have_count(0)
    expect(canvas).to_be_focused()
    expect(canvas).to_have_attribute("aria-activedescendant", "gnode-n0-0-n0")
    # Boxes still fold on a click; the start node opens nothing.
    node(w.page, "start-node").click()
    expect(w.page).to_have_url(re.compile(r"\?tab=graph$"))
    # Back reopens the panel, then closes it again: the panel is history like the tab.
    w.page.go_back()
    expect(w.page).to_have_url(re.compile(r"\?tab=graph&node=n0-0-n0$"))
    expect(panel.locator("h2")).to_contain_text("n0-0-n0")
    w.assert_clean()


def register_chain(admin, n: int):
    """A workflow of n `/bin/true` container tasks, each after the previous (as bench/engine_bench.py)."""
    version = unique("graph")
    task_id = identifier_pb2.Identifier(
        resource_type=identifier_pb2.TASK, project=PROJECT, domain=DOMAIN, name="graph.true", version=version)
    admin.CreateTask(task_pb2.TaskCreateRequest(id=task_id, spec=task_pb2.TaskSpec(template=tasks_pb2.TaskTemplate(
        id=task_id, type="container", interface=interface_pb2.TypedInterface(),
        container=tasks_pb2.Container(image="local", args=["/bin/true"])))), timeout=RPC_TIMEOUT_S)
    nodes = [workflow_pb2.Node(id=f"n{i}", task_node=workflow_pb2.TaskNode(reference_id=task_id),
                               upstream_node_ids=[f"n{i - 1}"] if i else []) for i in range(n)]
    wf_id = identifier_pb2.Identifier(
        resource_type=identifier_pb2.WORKFLOW, project=PROJECT, domain=DOMAIN, name="graph.chain", version=version)
    return register_launchable(admin, workflow_pb2.WorkflowTemplate(
        id=wf_id, interface=interface_pb2.TypedInterface(), nodes=nodes))


def test_a_thousand_node_graph_is_interactive_within_seconds(sandbox, watched):
    admin = sandbox.admin()
    lp = register_chain(admin, CHAIN)
    name = unique("chain")[:20]
    admin.CreateExecution(execution_pb2.ExecutionCreateRequest(
        project=PROJECT, domain=DOMAIN, name=name, spec=execution_pb2.ExecutionSpec(launch_plan=lp)),
        timeout=RPC_TIMEOUT_S)
    w = watched()
    url = f"{sandbox.http}/console/projects/{PROJECT}/domains/{DOMAIN}/executions/{name}?tab=graph"
    t0 = time.monotonic()
    w.page.goto(url)
    expect(w.page.locator("svg.graph-canvas[data-ready]")).to_have_count(1, timeout=30_000)
    drawn = time.monotonic() - t0
    canvas = w.page.locator("svg.graph-canvas")
    expect(canvas.locator("g.gnode.kind-task")).to_have_count(CHAIN)
    # Interactive: a key press is answered (fit the whole chain), measured to the new zoom shown.
    canvas.focus()
    t1 = time.monotonic()
    w.page.keyboard.press("f")
    expect(w.page.locator(".graph-zoom")).not_to_have_text("100 %")
    answered = time.monotonic() - t1
    interactive = time.monotonic() - t0
    print(f"1,000-node graph: drawn {drawn:.2f} s after navigation, fit answered in {answered * 1000:.0f} ms, "
          f"interactive {interactive:.2f} s")
    assert interactive < 10, f"{interactive:.1f} s"
    w.screenshot("graph-1000-fit")
    # Phases arrive while the chain runs: some node shows a phase word, not just its shape.
    expect(canvas.locator("g.gnode[data-phase]").first).to_be_attached(timeout=30_000)
    w.page.keyboard.press("0")
    w.screenshot("graph-1000-start")
    w.assert_clean()


def pyflyte_run_url(sandbox, *args: str, wait: bool = True) -> str:
    flags = ["--wait", "--poll-interval", "1"] if wait else []
    res = run_pyflyte(
        sandbox, "--config", sandbox.config_path, "run", "--remote", *flags,
        "--project", PROJECT, "--domain", DOMAIN, *args, cwd=FLYTEPROJ,
    )
    assert res.returncode == 0, res.output
    match = URL_PRINTED.search(res.output)
    assert match, res.output
    return match.group(1)


def test_timeline_shows_retries_as_attempts_and_marks_cache_hits(sandbox, watched):
    w = watched()
    w.page.goto(pyflyte_run_url(sandbox, "runs/workflows.py", "flaky_wf", "--word", "hi") + "?tab=timeline")
    row = w.page.locator('#timeline g.trow[data-node="n0"]')
    expect(row.locator(".trow-label")).to_contain_text("flaky")
    expect(row.locator(".trow-label")).to_contain_text("2 attempts")
    bars = row.locator("rect.seg-running")
    expect(bars).to_have_count(2)  # the first attempt failed, the retry succeeded
    assert "tone-failed" in bars.nth(0).get_attribute("class")
    assert "tone-ok" in bars.nth(1).get_attribute("class")
    w.screenshot("timeline-retries")

    pyflyte_run_url(sandbox, "runs/maps.py", "cached_wf", "--x", "12")
    w.page.goto(pyflyte_run_url(sandbox, "runs/maps.py", "cached_wf", "--x", "12") + "?tab=timeline")
    expect(w.page.locator('#timeline g.trow[data-node="n0"] .trow-cache')).to_have_text(re.compile("cache hit"))
    w.screenshot("timeline-cache-hit")
    w.assert_clean()


def test_graph_and_timeline_update_while_the_execution_runs(sandbox, watched):
    url = pyflyte_run_url(sandbox, "runs/workflows.py", "long_wf", "--seconds", "10", wait=False)
    w = watched()
    w.page.goto(url + "?tab=graph")
    w.page.evaluate("window.__sameDocument = true")
    task = node(w.page, "n0")
    expect(task.locator(".gnode-phase")).to_have_text(re.compile("Running"), timeout=20_000)
    expect(task).to_have_attribute("data-phase", "RUNNING")
    w.screenshot("graph-running")
    w.page.keyboard.press("3")
    bar = w.page.locator('#timeline g.trow[data-node="n0"] rect.seg-running')
    expect(bar).to_have_count(1)
    # The running bar keeps reaching the axis' end ("now") while the axis grows: its share of the
    # axis stays the same, so compare the axis' end label instead.
    end = w.page.locator("#timeline .taxis text.end")
    first = end.text_content()
    expect(end).not_to_have_text(first, timeout=5_000)
    w.page.keyboard.press("2")
    expect(task.locator(".gnode-phase")).to_have_text(re.compile("Succeeded"), timeout=60_000)
    assert w.page.evaluate("window.__sameDocument") is True
    w.assert_clean()


def test_graph_expands_dynamic_nodes_into_the_workflows_they_generated(sandbox, watched):
    w = watched()
    w.page.goto(pyflyte_run_url(sandbox, "runs/dynamics.py", "nested_dynamic_wf", "--n", "2") + "?tab=graph")
    # sums_of_cubes(n=2) generated cubes(1) and cubes(2), each a dynamic node generating cube tasks.
    for key, label in [("n0", "sums_of_cubes"), ("n0-0-dn0", "cubes"), ("n0-0-dn1", "sum_all"),
                       ("n0-0-dn2", "cubes"), ("n0-0-dn2-0-dn1", "cube")]:
        shape = node(w.page, key)
        expect(shape.locator(".gnode-label").first).to_contain_text(label)
        expect(shape.locator(".gnode-phase").first).to_contain_text("Succeeded")
    expect(node(w.page, "n0-0-dn2").locator("g.gnode.kind-task")).to_have_count(2)
    w.screenshot("graph-dynamic")
    w.assert_clean()
