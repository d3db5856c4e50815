"""The Nodes tab of a 1,000-node execution in a real browser (Debian's Chromium through
Playwright): the table holds every row but draws only those near the viewport, a row under the
reader stays put while the running execution adds rows, the keyboard moves through all 1,000
rows (rows not drawn yet are scrolled to and drawn), "Find node" finds a row that is not drawn,
and a row opens its panel. Screenshots go to build/console-screenshots/nodes-1000-*.png."""

from __future__ import annotations

import re
import time

from e2e_support import DOMAIN, PROJECT, RPC_TIMEOUT_S, unique
from flyteidl.admin import execution_pb2
from playwright.sync_api import expect
from test_console import browser, watched  # noqa: F401  (fixtures)
from test_console_graph import CHAIN, register_chain

FOCUSED_INDEX = "() => document.activeElement?.closest('tr[data-index]')?.dataset.index ?? null"


def drawn(page) -> int:
    return page.locator("#nodes tbody tr[data-node]").count()


def row_top(page, key: str) -> float:
    return page.evaluate(f"() => document.querySelector('#nodes tr[data-node=\"{key}\"]').getBoundingClientRect().top")


def test_a_thousand_node_table_draws_the_visible_rows_keeps_its_place_and_answers_the_keyboard(sandbox, watched):
    admin = sandbox.admin()
    lp = register_chain(admin, CHAIN)
    name = unique("nodes")[:20]
    admin.CreateExecution(execution_pb2.ExecutionCreateRequest(
        project=PROJECT, domain=DOMAIN, name=name, spec=execution_pb2.ExecutionSpec(launch_plan=lp)),
        timeout=RPC_TIMEOUT_S)
    w = watched()
    page = w.page
    url = f"{sandbox.http}/console/projects/{PROJECT}/domains/{DOMAIN}/executions/{name}"
    page.goto(url)
    table = page.locator("#nodes")

    # While it runs: once past the windowing threshold, a row in the middle of the screen stays
    # where it is through several polls that add rows below (and the spacer under it grows).
    expect(table).to_have_class(re.compile("windowed"), timeout=120_000)
    page.evaluate("() => window.scrollTo(0, document.querySelector('#nodes').getBoundingClientRect().top + scrollY + 3000)")
    page.wait_for_timeout(300)
    before_count = int(table.get_attribute("aria-rowcount"))
    key = page.evaluate("() => [...document.querySelectorAll('#nodes tr[data-node]')]"
                        ".find((r) => r.getBoundingClientRect().top >= 300).dataset.node")
    top = row_top(page, key)
    page.wait_for_function(f"() => Number(document.querySelector('#nodes').getAttribute('aria-rowcount')) > {before_count + 20}",
                           timeout=60_000)
    page.wait_for_timeout(300)
    assert abs(row_top(page, key) - top) < 1, (key, top, row_top(page, key))
    w.screenshot("nodes-1000-running")

    expect(page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=300_000)
    expect(table).to_have_attribute("aria-rowcount", str(CHAIN + 1))
    assert 0 < drawn(page) < 120, drawn(page)  # the rows near the viewport, not 1,000

    # A fresh load of the ended execution: its first rows drawn, then a row's panel, timed.
    t0 = time.monotonic()
    page.goto(url)
    third = page.locator('#nodes tr[data-index="2"]')  # rows in creation order (a second's ties by id)
    expect(third).to_be_visible()
    shown = time.monotonic() - t0
    third.locator("td").first.click()
    expect(page.locator("#node-panel")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"\?node={third.get_attribute('data-node')}$"))
    print(f"1,000-node Nodes tab: first rows {shown * 1000:.0f} ms, panel open {(time.monotonic() - t0) * 1000:.0f} ms")
    page.keyboard.press("Escape")
    expect(page.locator("#node-panel")).to_have_count(0)

    # The keyboard: down, page down, End (not drawn until scrolled to), Home.
    page.locator('#nodes tr[data-index="0"]').focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("j")
    assert page.evaluate(FOCUSED_INDEX) == "2"
    page.keyboard.press("k")
    assert page.evaluate(FOCUSED_INDEX) == "1"
    page.keyboard.press("PageDown")
    assert int(page.evaluate(FOCUSED_INDEX)) > 10
    page.keyboard.press("End")
    page.wait_for_function(f"() => ({FOCUSED_INDEX})() === '{CHAIN - 1}'")
    last = page.locator(f'#nodes tr[data-index="{CHAIN - 1}"]')
    expect(last).to_be_in_viewport()
    assert drawn(page) < 120
    w.screenshot("nodes-1000-end")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"\?node={last.get_attribute('data-node')}$"))
    page.keyboard.press("Escape")
    page.locator(f'#nodes tr[data-index="{CHAIN - 1}"]').focus()
    page.keyboard.press("Home")
    page.wait_for_function(f"() => ({FOCUSED_INDEX})() === '0'")
    expect(page.locator('#nodes tr[data-index="0"]')).to_be_in_viewport()

    # Find-in-page sees only drawn rows: "Find node" filters all of them.
    find = page.get_by_label("Find node")
    find.fill("n777")
    expect(page.locator("#nodes tbody tr[data-node]")).to_have_count(1)
    expect(page.locator(".find-nodes")).to_contain_text("1 of 1000 rows")
    expect(page.locator('#nodes tr[data-node="n777"]')).to_contain_text("Succeeded")
    w.screenshot("nodes-1000-find")
    find.fill("")
    expect(table).to_have_attribute("aria-rowcount", str(CHAIN + 1))
    w.assert_clean()
