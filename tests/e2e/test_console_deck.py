"""A node's deck in the console, in a real browser (Debian's Chromium through Playwright), against
an execution of a flytekit task with `enable_deck=True` run by real `pyflyte run --remote`: the
node's side panel shows the deck (CreateDownloadLink through the /api/v1 gateway, as FlyteConsole
asks for it) in an iframe, served as HTML; the deck runs in a sandbox of its own: an opaque
origin that cannot read the console's storage, call the API or fetch anything, framed or opened
in a tab. Screenshots go to build/console-screenshots/deck-*.png."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from e2e_support import DOMAIN, PROJECT
from test_console import browser, watched  # noqa: F401  (fixtures)
from test_console_exec import run

# What the deck's own scripts find when they try to act as the console.
PROBE = """async () => {
  let storage;
  try { storage = String(window.sessionStorage.length); } catch (e) { storage = "denied"; }
  let api;
  try { api = String((await fetch("/api/v1/projects")).status); } catch (e) { api = "blocked"; }
  return { origin: self.origin, storage, api };
}"""


def deck_link(sandbox, name: str, node_id: str) -> str:
    rsp = requests.post(
        f"{sandbox.http}/api/v1/dataproxy/artifact_link",
        json={"artifact_type": "ARTIFACT_TYPE_DECK",
              "node_execution_id": {"node_id": node_id, "execution_id": {"project": PROJECT, "domain": DOMAIN, "name": name}}},
        timeout=10,
    )
    assert rsp.status_code == 200, rsp.text
    return rsp.json()["pre_signed_urls"]["signed_url"][0]


def test_a_deck_is_served_as_html_in_a_sandbox_of_its_own(sandbox):
    url = run(sandbox, "runs/workflows.py", "deck_wf", "--x", "3", wait=True)
    name = url.rsplit("/", 1)[1]
    deck = requests.get(deck_link(sandbox, name, "n0"), timeout=10)
    assert deck.status_code == 200 and "<html" in deck.text.lower()
    assert deck.headers["Content-Type"] == "text/html; charset=utf-8"
    policy = deck.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox allow-scripts ") and "allow-same-origin" not in policy
    assert "connect-src 'none'" in policy
    assert deck.headers["X-Content-Type-Options"] == "nosniff"


def test_the_node_panel_shows_the_deck_sandboxed(sandbox, watched):
    url = run(sandbox, "runs/workflows.py", "deck_wf", "--x", "4", wait=True)
    w = watched()
    links: list[str] = []
    w.page.on("request", lambda r: r.method == "POST" and r.url.endswith("/api/v1/dataproxy/artifact_link")
              and links.append(r.url))
    w.page.goto(url + "?node=n0")
    panel = w.page.locator("#node-panel")
    panel.get_by_role("button", name="Show deck").click()
    dialog = w.page.get_by_role("dialog")
    expect(dialog.locator("h2")).to_have_text("Deck of node n0")
    frame = dialog.locator("iframe")
    expect(frame).to_have_attribute("sandbox", "allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads")
    expect(frame).to_have_attribute("src", re.compile(r"^/data/.*deck\.html\?"))  # this origin, whatever the host
    content = w.page.frame_locator("dialog.deck iframe")
    expect(content.locator("body")).to_contain_text("Input", timeout=10_000)  # flytekit's deck: the task's inputs
    assert len(links) == 1
    w.screenshot("deck-dialog")
    deck_frame = next(f for f in w.page.frames if "/data/" in f.url)
    assert deck_frame.evaluate(PROBE) == {"origin": "null", "storage": "denied", "api": "blocked"}
    # Opened in a tab of its own, the deck is just as confined: the CSP sandbox comes with the file.
    with w.context.expect_page() as opened:
        dialog.get_by_role("link", name="Open in a new tab").click()
    tab = opened.value
    expect(tab.locator("body")).to_contain_text("Input", timeout=10_000)
    assert tab.evaluate(PROBE) == {"origin": "null", "storage": "denied", "api": "blocked"}
    tab.close()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(panel).to_be_visible()  # closing the deck leaves the panel open
    # Esc closes the deck (asked for again: signed links expire), not the panel under it.
    panel.get_by_role("button", name="Show deck").click()
    expect(dialog).to_be_visible()
    w.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(panel).to_be_visible()
    expect(w.page).to_have_url(re.compile(r"\?node=n0$"))
    assert len(links) == 2
    # The CSP's refusals in the deck's frame (flytekit's template asks Google for its fonts; the
    # probe's fetch), reported as console errors and requests failed for "csp", are the sandbox at
    # work: nothing left the origin. Anything else is a problem.
    refused = [p for p in w.problems if "Content Security Policy" in p or p.endswith(" csp")]
    assert any("fonts.googleapis.com" in p for p in refused), w.problems
    w.problems = [p for p in w.problems if p not in refused]
    w.assert_clean()
