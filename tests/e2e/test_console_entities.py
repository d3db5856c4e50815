"""The console's entity pages, launch form and execution actions, in a real browser (Debian's
Chromium through Playwright) against entities registered and executions run by real `pyflyte`:
workflow, task and launch plan lists and pages (interface with types and defaults, versions,
recent executions, schedule, the active toggle); the launch form, whose values reach the task;
terminate with a cause (confirmed in a dialog), relaunch with the same inputs, archive and
unarchive. Screenshots go to build/console-screenshots/ (look at them)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import requests
import test_console
from e2e_support import DOMAIN, PROJECT, RPC_TIMEOUT_S, register_package
from playwright.sync_api import expect
from test_console import pyflyte_run
from test_console_exec import run

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


def open_succeeded_chain(sandbox, watched):
    """chain_wf(x=4) run to its end and opened in a watched page; returns the page, URL and name."""
    url = pyflyte_run(sandbox, "chain_wf", "--x", "4", wait=True)
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"))
    return w, url, url.rsplit("/", 1)[1]


def test_relaunch_runs_the_same_inputs_again(sandbox, watched):
    w, url, first = open_succeeded_chain(sandbox, watched)
    w.page.get_by_role("button", name="Relaunch", exact=True).click()
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


def test_relaunch_with_changes_opens_the_form_filled_with_the_inputs(sandbox, watched):
    w, url, first = open_succeeded_chain(sandbox, watched)
    w.page.get_by_role("button", name="Relaunch with changes…").click()
    form = w.page.get_by_role("dialog")
    expect(form.locator("h2")).to_have_text(f"Relaunch {first}")
    expect(form.get_by_label("x int")).to_have_value("4")  # the execution's input, not a default
    expect(form.locator("[data-input=x]")).to_contain_text("The execution's value")
    form.get_by_label("x int").fill("6")
    expect(form.locator("[data-input=x] .hint")).to_have_text("")  # no longer the execution's value
    w.screenshot("execution-relaunch-with-changes")
    form.get_by_role("button", name="Launch", exact=True).click()
    expect(w.page).not_to_have_url(url, timeout=10_000)
    second = w.page.url.rsplit("/", 1)[1]
    expect(w.page.locator("h1")).to_contain_text(second)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=60_000)
    expect(w.page.locator(".values").nth(1).locator("tr")).to_have_text([re.compile(r"^o0\s*49$")])  # (6+1)^2
    relaunched = gateway(sandbox, f"executions/{PROJECT}/{DOMAIN}/{second}")
    assert relaunched["spec"]["metadata"]["reference_execution"]["name"] == first
    assert relaunched["spec"]["metadata"]["principal"] == "console"
    w.assert_clean()


def test_recover_from_the_console_reuses_what_succeeded(sandbox, watched, tmp_path):
    marker = tmp_path / "marker"  # the second task fails until it exists
    url = run(sandbox, "runs/recovery.py", "recover_wf", "--x", "4", "--marker", str(marker), wait=False)
    failed = url.rsplit("/", 1)[1]
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Failed"), timeout=60_000)
    expect(w.page.locator('#nodes tr[data-node="n0"] .phase')).to_have_text(re.compile("Succeeded"))
    marker.write_text("present")
    w.screenshot("execution-recoverable")
    w.page.get_by_role("button", name="Recover").click()
    expect(w.page).not_to_have_url(url, timeout=10_000)
    recovered = w.page.url.rsplit("/", 1)[1]
    expect(w.page.locator("h1")).to_contain_text(recovered)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=60_000)
    expect(w.page.locator(".values").nth(1).locator("tr")).to_have_text([re.compile(r"^o0\s*50$")])  # (4+1)*10
    # The node that had succeeded is recovered (its outputs reused, not run again), the other runs.
    expect(w.page.locator('#nodes tr[data-node="n0"] .phase')).to_have_text(re.compile("Recovered"))
    expect(w.page.locator('#nodes tr[data-node="n1"] .phase')).to_have_text(re.compile("Succeeded"))
    execution = gateway(sandbox, f"executions/{PROJECT}/{DOMAIN}/{recovered}")
    assert execution["spec"]["metadata"]["mode"] == "RECOVERED"
    assert execution["spec"]["metadata"]["reference_execution"]["name"] == failed
    assert gateway(sandbox, f"task_executions/{PROJECT}/{DOMAIN}/{recovered}/n0").get("task_executions", []) == []
    w.screenshot("execution-recovered")
    expect(w.page.get_by_role("button", name="Recover")).to_have_count(0)  # only for what did not succeed
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


TYPED_WF = "console.workflows.typed_wf"
TYPED_DAILY = "console.workflows.typed_daily"


@pytest.fixture(scope="module")
def registered(sandbox):
    """The console package registered twice (two versions of each entity)."""
    register_package(sandbox, "console", "v1")
    register_package(sandbox, "console", "v2")
    return sandbox


def console_url(sandbox, path: str) -> str:
    return f"http://localhost:{sandbox.port}/console/projects/{PROJECT}/domains/{DOMAIN}/{path}"


def test_entity_lists_link_to_pages_with_interface_versions_and_executions(registered, watched):
    sandbox = registered
    w = watched()
    w.page.goto(console_url(sandbox, "executions"))
    w.page.get_by_role("navigation", name="Project pages").get_by_role("link", name="Workflows").click()
    expect(w.page.locator("h1")).to_have_text("Workflows")
    w.page.get_by_label("Search by name").fill("console typed")
    expect(w.page.locator("#entities tbody tr")).to_have_count(1)
    w.screenshot("workflows")
    w.page.get_by_role("link", name=TYPED_WF).click()
    expect(w.page).to_have_url(console_url(sandbox, f"workflows/{TYPED_WF}"))
    expect(w.page.locator("h1")).to_have_text("Workflow typed_wf")
    expect(w.page.locator("#entity-version")).to_have_text("v2")  # the newest
    inputs = w.page.locator("#inputs tbody tr")
    expect(inputs).to_have_count(9)
    expect(w.page.locator("#inputs tbody tr", has_text="xs")).to_contain_text("list[int]")
    expect(w.page.locator("#inputs tbody tr", has_text="wait")).to_contain_text("timedelta")
    expect(w.page.locator("#outputs tbody tr")).to_have_text([re.compile(r"^o0\s*str$")])
    expect(w.page.locator("#versions tbody tr")).to_have_count(2)
    w.screenshot("workflow")
    # One version by flytekit's URL form; the versions table marks it.
    w.page.get_by_role("link", name="v1", exact=True).click()
    expect(w.page).to_have_url(console_url(sandbox, f"workflow/{TYPED_WF}/version/v1"))
    expect(w.page.locator("#entity-version")).to_have_text("v1")
    expect(w.page.locator("#versions tr[aria-current=true]")).to_contain_text("v1")

    # Tasks: the task's template facts and interface.
    w.page.get_by_role("navigation", name="Project pages").get_by_role("link", name="Tasks").click()
    expect(w.page.locator("h1")).to_have_text("Tasks")
    w.page.get_by_role("link", name="console.workflows.describe").click()
    expect(w.page.locator("h1")).to_have_text("Task describe")
    expect(w.page.locator(".facts")).to_contain_text("python-task")
    expect(w.page.locator("#inputs tbody tr", has_text="when")).to_contain_text("datetime")
    w.screenshot("task")

    # Launch plans: defaults, schedule and the active toggle (UpdateLaunchPlan).
    w.page.goto(console_url(sandbox, "launchPlans"))
    w.page.get_by_role("link", name=TYPED_DAILY).click()
    expect(w.page.locator("h1")).to_have_text("Launch plan typed_daily")
    expect(w.page.locator("#launch-plan-schedule")).to_have_text("cron 0 3 * * *")
    expect(w.page.locator("#inputs tbody tr", has_text="wait")).to_contain_text("90s")
    expect(w.page.locator("#launch-plan-state")).to_have_text("Inactive")
    w.page.get_by_role("button", name="Activate").click()
    expect(w.page.locator("#launch-plan-state")).to_have_text("Active")
    active = gateway(sandbox, f"active_launch_plans/{PROJECT}/{DOMAIN}/{TYPED_DAILY}")
    assert active["id"]["version"] == "v2" and active["closure"]["state"] == "ACTIVE"
    schedules = requests.get(f"http://localhost:{sandbox.port}/sandbox/v1/schedules", timeout=RPC_TIMEOUT_S).json()
    assert TYPED_DAILY in str(schedules)
    w.screenshot("launch-plan-active")
    w.page.get_by_role("button", name="Deactivate").click()
    expect(w.page.locator("#launch-plan-state")).to_have_text("Inactive")
    lp = gateway(sandbox, f"launch_plans/{PROJECT}/{DOMAIN}/{TYPED_DAILY}/v2")
    assert lp["closure"]["state"] == "INACTIVE"
    w.page.emulate_media(color_scheme="dark")
    w.screenshot("launch-plan-dark")
    w.assert_clean()


def received(sandbox, name: str) -> dict:
    """What the typed workflow's task reported receiving, once its execution succeeded."""
    execution = gateway(sandbox, f"executions/{PROJECT}/{DOMAIN}/{name}")
    assert execution["closure"]["phase"] == "SUCCEEDED", execution["closure"]
    text = gateway(sandbox, f"data/executions/{PROJECT}/{DOMAIN}/{name}")["full_outputs"]["literals"]["o0"]
    return dict(line.split("=", 1) for line in text["scalar"]["primitive"]["string_value"].splitlines())


def test_launch_form_sends_typed_values_that_reach_the_task(registered, watched):
    sandbox = registered
    w = watched()
    w.page.goto(console_url(sandbox, f"launchPlans/{TYPED_DAILY}"))
    w.page.get_by_role("button", name="Launch…").click()
    form = w.page.get_by_role("dialog")
    expect(form.get_by_label("i int")).to_have_value("1")  # the launch plan's default
    expect(form.get_by_label("wait timedelta")).to_have_value("90s")
    # Refused with a reason next to the field: nothing is launched.
    form.get_by_label("i int").fill("1.5")
    form.get_by_label("wait timedelta").fill("soon")
    form.get_by_role("button", name="Launch", exact=True).click()
    expect(form.locator("[data-input=i] .field-error")).to_have_text("not an integer")
    expect(form.locator("[data-input=wait] .field-error")).to_contain_text("not a duration")
    expect(form.get_by_label("i int")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_role("alert")).to_have_text("Check i, wait.")
    w.screenshot("launch-form-invalid")
    before = listed_names(sandbox)
    form.get_by_label("i int").fill("9007199254740993")  # beyond 2^53: sent exactly
    form.get_by_label("f float").fill("2.5e-3")
    form.get_by_label("s str").fill("héllo ✓")
    form.get_by_label("b bool").check()
    form.get_by_label("when datetime").fill("2026-11-29 11:30:00+01:00")
    form.get_by_label("wait timedelta").fill("1h30m")
    form.get_by_label("c enum(red, green, blue)").select_option("blue")
    form.get_by_label("xs list[int]").fill("[3, 4, 5]")
    # The escape hatch: the map typed as a literal.
    form.locator("[data-input=m]").get_by_role("button", name="Edit as literal JSON").click()
    literal = form.get_by_label("m dict[str, float]")
    expect(literal).to_have_value('{"map":{"literals":{"a":{"scalar":{"primitive":{"float_value":1}}}}}}')
    literal.fill('{"map": {"literals": {"z": {"scalar": {"primitive": {"float_value": 0.25}}}}}}')
    w.screenshot("launch-form")
    form.get_by_role("button", name="Launch", exact=True).click()
    expect(w.page.locator("h1")).to_contain_text("Execution")
    name = w.page.url.rsplit("/", 1)[1]
    assert name not in before
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=90_000)
    assert received(sandbox, name) == {
        "i": "9007199254740993",
        "f": "0.0025",
        "s": "'héllo ✓'",
        "b": "True",
        "when": "2026-11-29T10:30:00+00:00",
        "wait": "5400.0",
        "c": "blue",
        "xs": "[3, 4, 5]",
        "m": "[('z', 0.25)]",
    }
    execution = gateway(sandbox, f"executions/{PROJECT}/{DOMAIN}/{name}")
    assert execution["spec"]["launch_plan"]["name"] == TYPED_DAILY
    assert execution["spec"]["metadata"]["principal"] == "console"
    w.screenshot("launched")
    w.assert_clean()


def test_a_workflow_launches_through_its_default_launch_plan_with_defaults(registered, watched):
    sandbox = registered
    w = watched()
    w.page.goto(console_url(sandbox, f"workflows/{TYPED_WF}"))
    w.page.get_by_role("button", name="Launch…").click()
    form = w.page.get_by_role("dialog")
    form.get_by_role("button", name="Launch", exact=True).click()
    expect(form.locator("[data-input=i] .field-error")).to_have_text("required")  # i has no default
    form.get_by_label("i int").fill("-4")
    form.get_by_role("button", name="Launch", exact=True).click()
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=90_000)
    name = w.page.url.rsplit("/", 1)[1]
    assert received(sandbox, name) == {
        "i": "-4",
        "f": "0.5",
        "s": "'hi'",
        "b": "False",
        "when": "2026-01-02T03:04:05+00:00",
        "wait": "90.0",
        "c": "green",
        "xs": "[1, 2]",
        "m": "[('a', 1.0)]",
    }
    # The workflow's page lists the execution among its recent ones.
    w.page.goto(console_url(sandbox, f"workflows/{TYPED_WF}"))
    expect(w.page.locator("#entity-executions").get_by_role("link", name=name)).to_be_visible()
    w.assert_clean()


RICH_WF = "console.workflows.rich_wf"


def test_launch_form_uploads_files_and_types_unions_dataclasses_and_maps(registered, watched, tmp_path):
    sandbox = registered
    doc = tmp_path / "note.txt"
    doc.write_text("uploaded from the console ✓", encoding="utf-8")
    folder = tmp_path / "bundle"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("A", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("B", encoding="utf-8")
    frame = tmp_path / "frame.parquet"
    pd.DataFrame({"n": [1, 2], "s": ["x", "y"]}).to_parquet(frame)

    w = watched()
    w.page.goto(console_url(sandbox, f"workflows/{RICH_WF}"))
    w.page.get_by_role("button", name="Launch…").click()
    form = w.page.get_by_role("dialog")
    # The defaults: a union's variant and value, None, a dataclass flytekit sent as msgpack.
    expect(form.get_by_label("u int | str")).to_have_value("0")
    expect(form.get_by_label("u value")).to_have_value("3")
    expect(form.get_by_label("maybe Optional[int]")).to_have_value("1")
    expect(form.get_by_label("maybe value")).to_have_count(0)
    # The dataclass: one field per property of the JSON schema flytekit sent with its type.
    expect(form.get_by_label("p.x int")).to_have_value("1")
    expect(form.get_by_label("p.y float")).to_have_value("2")
    expect(form.get_by_label("p.label str")).to_have_value("p")
    # Files, a folder and a dataframe uploaded through the data proxy.
    form.locator("#launch-doc-upload").set_input_files(doc)
    expect(form.locator("[data-input=doc] [role=status]")).to_have_text("Uploaded note.txt")
    doc_uri = form.get_by_label("doc file").input_value()
    assert re.search(r"/uploads/flytesnacks/development/[0-9a-f]{32}/note\.txt$", doc_uri), doc_uri
    form.locator("#launch-folder-upload").set_input_files(folder)
    expect(form.locator("[data-input=folder] [role=status]")).to_have_text("Uploaded 2 files")
    form.locator("#launch-frame-upload").set_input_files(frame)
    expect(form.locator("[data-input=frame] [role=status]")).to_have_text("Uploaded frame.parquet")
    # Unions: another variant and its value; None swapped for a number.
    form.get_by_label("u int | str").select_option("str")
    form.get_by_label("u value").fill("42")
    form.get_by_label("maybe Optional[int]").select_option("int")
    form.get_by_label("maybe value").fill("7")
    # The dataclass through its fields: a wrong integer is refused in the page, then mended;
    # "Edit as JSON" shows the struct's JSON whole.
    form.get_by_label("p.x int").fill("5x")
    form.get_by_role("button", name="Launch", exact=True).click()
    expect(form.locator("[data-input=p] .field-error")).to_have_text("x: not an integer")
    form.get_by_label("p.x int").fill("5")
    form.get_by_label("p.y float").fill("0.5")
    p_field = form.locator("[data-input=p]")
    p_field.get_by_role("button", name="Edit as JSON").click()
    expect(form.get_by_label("p struct")).to_have_value('{"x":5,"y":0.5,"label":"p"}')
    p_field.get_by_role("button", name="Edit as fields").click()
    expect(form.get_by_label("p.x int")).to_have_value("5")
    p_field.scroll_into_view_if_needed()
    w.page.screenshot(path=str(test_console.SCREENSHOTS / "launch-form-dataclass.png"))
    # A list of files and a map of optionals typed as plain JSON.
    form.get_by_label("files list[file]").fill(json.dumps([doc_uri, doc_uri]))
    form.get_by_label("counts dict[str, Optional[int]]").fill('{"a": null, "b": 2}')
    w.screenshot("launch-form-rich")
    form.get_by_role("button", name="Launch", exact=True).click()
    expect(w.page.locator("h1")).to_contain_text("Execution")
    name = w.page.url.rsplit("/", 1)[1]
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=120_000)
    assert received(sandbox, name) == {
        "u": "'42'",
        "maybe": "7",
        "doc": "'uploaded from the console ✓'",
        "folder": "[('a.txt', 'A'), ('sub/b.txt', 'B')]",
        "frame": "{'n': [1, 2], 's': ['x', 'y']}",
        "p": "Point(x=5, y=0.5, label='p')",
        "files": "['uploaded from the console ✓', 'uploaded from the console ✓']",
        "counts": "[('a', None), ('b', 2)]",
    }
    w.assert_clean()
