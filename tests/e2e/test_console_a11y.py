"""WCAG 2.2 AA on every console page, in both themes: axe-core (npm, pinned in package-lock.json)
runs inside Debian's Chromium on each page as a user reaches it (projects, executions, an
execution's three tabs and node panel, a failed execution, a gate waiting for its value, entity
lists and pages, the launch form) and the test fails on any serious or critical violation,
naming the rule and the elements. Screenshots go to build/console-screenshots/a11y-*.png."""

from __future__ import annotations

import re

import pytest
from e2e_support import DOMAIN, PROJECT, REPO_ROOT, register_package
from playwright.sync_api import expect
from test_console import browser, watched  # noqa: F401  (fixtures)
from test_console_exec import run

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    where: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary.split("\\n").slice(1).join(" ")),
  }));
}"""


@pytest.fixture(scope="module")
def executions(sandbox):
    """What the pages show: registered entities, a succeeded chain, a failed run, a waiting gate."""
    register_package(sandbox, "console", "v1")
    return {
        "succeeded": run(sandbox, "runs/workflows.py", "chain_wf", "--x", "3", wait=True),
        "failed": run(sandbox, "runs/workflows.py", "boom_wf", "--x", "1", wait=False),
        "waiting": run(sandbox, "runs/gates.py", "signal_wf", "--x", "2", wait=False),
    }


def check(w, name: str) -> None:
    """axe-core on the page as it is now: no serious or critical WCAG A/AA violation."""
    w.page.add_script_tag(path=str(AXE))
    violations = w.page.evaluate(AXE_RUN, WCAG_AA)
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    w.screenshot(f"a11y-{name}")
    assert not bad, f"{name}: " + "\n".join(f"{v['id']} ({v['impact']}): {v['help']}; {v['where']}" for v in bad)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_execution_pages_meet_wcag_aa(sandbox, watched, executions, theme):
    # bypass_csp: the console's policy (script-src 'self') would refuse axe's injected script.
    w = watched(color_scheme=theme, bypass_csp=True)
    w.page.goto(f"http://localhost:{sandbox.port}/console/select-project")
    expect(w.page.locator("ul.cards li").first).to_be_visible()
    check(w, f"{theme}-projects")
    w.page.goto(f"http://localhost:{sandbox.port}/console/projects/{PROJECT}/domains/{DOMAIN}/executions")
    expect(w.page.locator("main table.grid tbody tr").first).to_be_visible()
    check(w, f"{theme}-executions")

    w.page.goto(executions["succeeded"])
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"))
    expect(w.page.locator("#nodes tbody tr").first).to_be_visible()
    check(w, f"{theme}-execution-nodes")
    w.page.get_by_role("tab", name="Graph").click()
    expect(w.page.locator("svg").first).to_be_visible()
    check(w, f"{theme}-execution-graph")
    w.page.get_by_role("tab", name="Timeline").click()
    check(w, f"{theme}-execution-timeline")
    w.page.get_by_role("tab", name="Nodes").click()
    w.page.get_by_role("link", name="n0", exact=True).click()
    expect(w.page.locator("#node-panel")).to_be_visible()
    check(w, f"{theme}-node-panel")

    w.page.goto(executions["failed"])
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Failed"), timeout=60_000)
    check(w, f"{theme}-execution-failed")

    w.page.goto(executions["waiting"])
    expect(w.page.locator("#waiting-gates li").first).to_be_visible(timeout=30_000)
    w.page.locator("#waiting-gates li a").first.click()
    expect(w.page.locator("#node-panel")).to_be_visible()
    check(w, f"{theme}-gate-panel")
    w.assert_clean()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_entity_pages_and_the_launch_form_meet_wcag_aa(sandbox, watched, executions, theme):
    w = watched(color_scheme=theme, bypass_csp=True)
    base = f"http://localhost:{sandbox.port}/console/projects/{PROJECT}/domains/{DOMAIN}"
    for page in ("workflows", "tasks", "launchPlans"):
        w.page.goto(f"{base}/{page}")
        expect(w.page.locator("#entities tbody tr").first).to_be_visible()
        check(w, f"{theme}-{page}")
    w.page.goto(f"{base}/workflows/console.workflows.typed_wf")
    expect(w.page.locator("#inputs tbody tr").first).to_be_visible()
    check(w, f"{theme}-workflow")
    w.page.get_by_role("button", name=re.compile("^Launch")).first.click()
    expect(w.page.get_by_role("dialog")).to_be_visible()
    check(w, f"{theme}-launch-form")
    w.assert_clean()
