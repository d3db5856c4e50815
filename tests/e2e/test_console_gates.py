"""Gate nodes in the console, in a real browser (Debian's Chromium through Playwright), against
executions of flytekit's approve() and wait_for_input() run by real `pyflyte run --remote`: the
execution page names the waiting node and what it needs, the Nodes tab and the Graph show it as
Waiting, and its side panel approves, rejects or gives the typed value (SetSignal through the
/api/v1 gateway, as FlyteConsole's Resume form calls it), after which the execution goes on.
Screenshots go to build/console-screenshots/gate-*.png."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from e2e_support import DOMAIN, PROJECT
from test_console import browser, watched  # noqa: F401  (fixtures)
from test_console_exec import run


def signal_values(sandbox, name: str) -> dict:
    rsp = requests.get(f"{sandbox.http}/api/v1/signals/{PROJECT}/{DOMAIN}/{name}", params={"limit": 10}, timeout=10)
    assert rsp.status_code == 200, rsp.text
    return {s["id"]["signal_id"]: (s.get("value") or {}).get("scalar") for s in rsp.json().get("signals", [])}


def open_waiting_approval(sandbox, watched, workflow: str, node_id: str):
    """`workflow` (x=2) started and opened once its approve gate `node_id` waits, as the page's
    list of waiting gates says; returns the page, the execution's name and that list's entry."""
    url = run(sandbox, "runs/gates.py", workflow, "--x", "2", wait=False)
    w = watched()
    w.page.goto(url)
    waiting = w.page.locator(f'#waiting-gates li[data-node="{node_id}"]')
    expect(waiting).to_contain_text(f"Node {node_id} waits for approval (signal approve-it).", timeout=30_000)
    return w, url.rsplit("/", 1)[1], waiting


def test_approve_gate_is_shown_waiting_and_approved_from_the_console(sandbox, watched):
    w, name, waiting = open_waiting_approval(sandbox, watched, "approve_wf", "n1")
    row = w.page.locator('#nodes tr[data-node="n1"]')
    expect(row).to_have_attribute("data-kind", "gate")
    expect(row.locator(".phase")).to_have_text(re.compile("‖ Waiting"))
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Running"))
    w.screenshot("gate-waiting")
    waiting.get_by_role("link", name="Approve or reject…").click()
    expect(w.page).to_have_url(re.compile(r"\?node=n1$"))
    panel = w.page.locator("#node-panel")
    gate = panel.locator("#gate")
    expect(gate.locator("h3")).to_have_text(re.compile("Gate: waits for approval"))
    expect(panel.locator(".node-inputs tr")).to_have_text([re.compile(r"^\S+\s*3$")])  # add(2, 1): what passes on
    w.screenshot("gate-approve-panel")
    w.page.emulate_media(color_scheme="dark")
    w.screenshot("gate-approve-panel-dark")
    w.page.emulate_media(color_scheme="light")
    assert signal_values(sandbox, name) == {"approve-it": None}  # declared, not set
    gate.get_by_role("button", name="Approve").click()
    expect(gate.get_by_role("status")).to_have_text("Approved: the execution goes on.")
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=60_000)
    expect(w.page.locator(".values").nth(1).locator("tr")).to_have_text([re.compile(r"^o0\s*9$")])  # square(3)
    expect(w.page.locator("#waiting-gates")).to_have_count(0)
    expect(gate.get_by_role("button")).to_have_count(0)  # what was sent stays said; nothing more to do
    expect(gate.get_by_role("status")).to_have_text("Approved: the execution goes on.")
    expect(panel.locator(".phase").first).to_have_text(re.compile("Succeeded"))
    assert signal_values(sandbox, name) == {"approve-it": {"primitive": {"boolean": True}}}
    w.assert_clean()


def test_reject_fails_the_gate(sandbox, watched):
    url = run(sandbox, "runs/gates.py", "approve_wf", "--x", "5", wait=False)
    w = watched()
    w.page.goto(url + "?node=n1")
    gate = w.page.locator("#node-panel #gate")
    gate.get_by_role("button", name="Reject").click(timeout=30_000)
    expect(gate.get_by_role("status")).to_have_text("Rejected: the execution goes on.")
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Failed"), timeout=60_000)
    expect(w.page.locator(".execution-header")).to_contain_text("rejected")
    w.assert_clean()


def test_wait_for_input_gets_its_typed_value_from_the_graph_tab(sandbox, watched):
    url = run(sandbox, "runs/gates.py", "signal_wf", "--x", "2", wait=False)
    name = url.rsplit("/", 1)[1]
    w = watched()
    posts: list[str] = []
    w.page.on("request", lambda r: r.method == "POST" and "/api/v1/signals" in r.url and posts.append(r.url))
    w.page.goto(url + "?tab=graph")
    gate_node = w.page.locator('svg.graph-canvas g.gnode[data-node="n0"]')
    expect(gate_node.locator(".gnode-phase")).to_have_text("‖ Waiting", timeout=30_000)
    expect(gate_node).to_have_class(re.compile("tone-waiting"))
    expect(w.page.locator('#waiting-gates li[data-node="n0"]')).to_contain_text("waits for a value of signal how-many")
    w.screenshot("gate-graph-waiting")
    gate_node.click()
    expect(w.page).to_have_url(re.compile(r"\?tab=graph&node=n0$"))
    gate = w.page.locator("#node-panel #gate")
    expect(gate).to_contain_text("The value (int) becomes the node's output o0.")
    field = gate.get_by_label("how-many int")
    field.fill("forty")
    gate.get_by_role("button", name="Resume").click()
    expect(gate.locator(".field-error")).to_have_text("not an integer")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert posts == []  # refused in the page: nothing sent
    field.fill("40")
    w.screenshot("gate-signal-panel")
    gate.get_by_role("button", name="Resume").click()
    expect(gate.get_by_role("status")).to_have_text("Value sent: the execution goes on.")
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=60_000)
    expect(w.page.locator(".values").nth(1).locator("tr")).to_have_text([re.compile(r"^o0\s*42$")])  # 2 + 40
    expect(gate_node.locator(".gnode-phase")).to_have_text("✓ Succeeded")
    assert len(posts) == 1
    assert signal_values(sandbox, name) == {"how-many": {"primitive": {"integer": "40"}}}
    w.assert_clean()


def test_a_gate_inside_a_sub_workflow_is_approved_from_its_panel(sandbox, watched):
    # Listed under the header like a top-level gate, though the sub-workflow's row is folded.
    w, name, waiting = open_waiting_approval(sandbox, watched, "nested_approve_wf", "n0-0-n1")
    expect(waiting.get_by_role("link", name="Approve or reject…")).to_have_attribute("href", re.compile(r"\?node=n0-0-n1$"))
    nodes = w.page.locator("#nodes")
    nodes.get_by_role("button", name="Expand n0").click()
    row = nodes.locator('tr[data-node="n0-0-n1"]')
    expect(row).to_have_attribute("data-kind", "gate", timeout=30_000)
    expect(row.locator(".phase")).to_have_text(re.compile("‖ Waiting"), timeout=30_000)
    row.locator("td").first.click()
    expect(w.page).to_have_url(re.compile(r"\?node=n0-0-n1$"))
    # The same controls as a top-level gate: its compiled node is found in the sub-workflow.
    gate = w.page.locator("#node-panel #gate")
    expect(gate.locator("h3")).to_have_text(re.compile("Gate: waits for approval"))
    w.screenshot("gate-nested-panel")
    assert signal_values(sandbox, name) == {"approve-it": None}
    gate.get_by_role("button", name="Approve").click()
    expect(gate.get_by_role("status")).to_have_text("Approved: the execution goes on.")
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=60_000)
    expect(w.page.locator(".values").nth(1).locator("tr")).to_have_text([re.compile(r"^o0\s*9$")])  # square(2 + 1)
    expect(w.page.locator("#waiting-gates")).to_have_count(0)
    assert signal_values(sandbox, name) == {"approve-it": {"primitive": {"boolean": True}}}
    w.assert_clean()


def test_gates_inside_a_dynamic_workflow_are_approved_and_answered_from_their_panels(sandbox, watched):
    # The gates are not in the compiled workflow: their nodes are found in the workflow the dynamic
    # node generated, and the signals they wait for are the ones the engine declared.
    url = run(sandbox, "runs/gates.py", "dynamic_gates_wf", "--x", "2", wait=False)
    name = url.rsplit("/", 1)[1]
    w = watched()
    w.page.goto(url)
    waiting = w.page.locator("#waiting-gates li")
    expect(waiting).to_have_count(1, timeout=60_000)
    expect(waiting).to_contain_text("waits for approval (signal approve-dyn)")
    approve_id = waiting.get_attribute("data-node")
    assert approve_id.startswith("n0-0-"), approve_id
    nodes = w.page.locator("#nodes")
    nodes.get_by_role("button", name="Expand n0").click()
    row = nodes.locator(f'tr[data-node="{approve_id}"]')
    expect(row.locator(".phase")).to_have_text(re.compile("‖ Waiting"), timeout=30_000)
    waiting.get_by_role("link", name="Approve or reject…").click()
    expect(w.page).to_have_url(re.compile(rf"\?node={approve_id}$"))
    gate = w.page.locator("#node-panel #gate")
    expect(gate.locator("h3")).to_have_text(re.compile("Gate: waits for approval"))
    w.screenshot("gate-dynamic-approve-panel")
    gate.get_by_role("button", name="Approve").click()
    expect(gate.get_by_role("status")).to_have_text("Approved: the execution goes on.")

    # Then the wait_for_input gate, answered from its own panel.
    expect(waiting).to_contain_text("waits for a value of signal how-many-dyn", timeout=30_000)
    signal_id = waiting.get_attribute("data-node")
    assert signal_id.startswith("n0-0-") and signal_id != approve_id, signal_id
    waiting.get_by_role("link").click()
    expect(w.page).to_have_url(re.compile(rf"\?node={signal_id}$"))
    gate = w.page.locator("#node-panel #gate")
    expect(gate).to_contain_text("The value (int) becomes the node's output o0.")
    gate.get_by_label("how-many-dyn int").fill("40")
    w.screenshot("gate-dynamic-signal-panel")
    gate.get_by_role("button", name="Resume").click()
    expect(gate.get_by_role("status")).to_have_text("Value sent: the execution goes on.")
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=60_000)
    # square(2 + 1) + 40: both values reached the tasks.
    expect(w.page.locator(".values").nth(1).locator("tr")).to_have_text([re.compile(r"^o0\s*49$")])
    assert signal_values(sandbox, name) == {
        "approve-dyn": {"primitive": {"boolean": True}},
        "how-many-dyn": {"primitive": {"integer": "40"}},
    }
    w.assert_clean()
