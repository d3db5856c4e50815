"""The console's actions on an execution, in a real browser (Debian's Chromium through Playwright)
against executions run by real `pyflyte run --remote`: terminate with a cause (confirmed in a
dialog), relaunch with the same inputs, archive and unarchive. Screenshots go to
build/console-screenshots/ (look at them)."""

from __future__ import annotations

import re

import requests
import test_console
from e2e_support import DOMAIN, PROJECT, RPC_TIMEOUT_S
from playwright.sync_api import expect
from test_console import pyflyte_run

# The console tests' fixtures: a module-wide Chromium, and pages watched for errors.
browser = test_console.browser
watched = test_console.watched


def gateway(sandbox, path: str, **params) -> dict:
    rsp = requests.get(f"http://localhost:{sandbox.port}/api/v1/{path}", params=params, timeout=RPC_TIMEOUT_S)
    assert rsp.status_code == 200, rsp.text
    return rsp.json()


def listed_names(sandbox) -> set:
    return {e["id"]["name"] for e in gateway(sandbox, f"executions/{PROJECT}/{DOMAIN}", limit=1000)["executions"]}


def test_terminate_a_running_execution_with_a_cause(sandbox, watched):
    url = pyflyte_run(sandbox, "long_wf", "--seconds", "120", wait=False)
    name = url.rsplit("/", 1)[1]
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Running"), timeout=15_000)
    w.page.get_by_role("button", name="Terminate…").click()
    dialog = w.page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    w.screenshot("execution-terminate-dialog")
    dialog.get_by_label("Cause").fill("stopped by the console test")
    dialog.get_by_role("button", name="Terminate", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Aborted"), timeout=15_000)
    expect(w.page.get_by_text("Aborted: stopped by the console test")).to_be_visible()
    expect(w.page.get_by_role("button", name="Terminate…")).to_have_count(0)  # only while it runs
    closure = gateway(sandbox, f"executions/{PROJECT}/{DOMAIN}/{name}")["closure"]
    assert closure["phase"] == "ABORTED" and closure["abort_metadata"]["cause"] == "stopped by the console test"
    w.screenshot("execution-terminated")
    w.assert_clean()


def test_relaunch_runs_the_same_inputs_again(sandbox, watched):
    url = pyflyte_run(sandbox, "chain_wf", "--x", "4", wait=True)
    first = url.rsplit("/", 1)[1]
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"))
    w.page.get_by_role("button", name="Relaunch").click()
    # The new execution's page opens (same document) and follows it to the end.
    expect(w.page).not_to_have_url(url, timeout=10_000)
    second = w.page.url.rsplit("/", 1)[1]
    assert second != first
    expect(w.page.locator("h1")).to_contain_text(second)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=60_000)
    expect(w.page.locator(".values").nth(1).locator("tr")).to_have_text([re.compile(r"^o0\s*25$")])  # (4+1)^2
    relaunched = gateway(sandbox, f"executions/{PROJECT}/{DOMAIN}/{second}")
    assert relaunched["spec"]["metadata"]["mode"] == "RELAUNCH"
    assert relaunched["spec"]["metadata"]["reference_execution"]["name"] == first
    data = gateway(sandbox, f"data/executions/{PROJECT}/{DOMAIN}/{second}")
    assert data["full_inputs"]["literals"]["x"]["scalar"]["primitive"]["integer"] == "4"
    w.screenshot("execution-relaunched")
    w.assert_clean()


def test_archive_hides_an_execution_from_the_list_and_unarchive_brings_it_back(sandbox, watched):
    url = pyflyte_run(sandbox, "hello_wf", wait=True)
    name = url.rsplit("/", 1)[1]
    assert name in listed_names(sandbox)
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"))
    w.page.get_by_role("button", name="Archive").click()
    expect(w.page.get_by_text("Archived: hidden from the executions list.")).to_be_visible()
    expect(w.page.get_by_role("button", name="Unarchive")).to_be_visible()
    assert name not in listed_names(sandbox)
    w.screenshot("execution-archived")
    w.page.get_by_role("link", name=f"{PROJECT} / {DOMAIN}").click()
    expect(w.page.locator("h1")).to_have_text("Executions")
    expect(w.page.locator("table.grid tbody tr").first).to_be_visible()
    expect(w.page.get_by_role("link", name=name)).to_have_count(0)
    w.page.go_back()
    w.page.get_by_role("button", name="Unarchive").click()
    expect(w.page.get_by_role("button", name="Archive")).to_be_visible()
    expect(w.page.get_by_text("Archived: hidden from the executions list.")).to_have_count(0)
    assert name in listed_names(sandbox)
    w.assert_clean()

