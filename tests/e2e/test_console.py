"""The web console served by the binary at /console, in a real browser (Debian's Chromium through
Playwright), against executions run by real `pyflyte run --remote`: the URL pyflyte prints opens
the execution with its phase and nodes, a running execution updates on screen without a reload,
the executions list and projects pages load; never a console error, a failed request or a request
off the sandbox's origin. Screenshots go to build/console-screenshots/ (look at them)."""

from __future__ import annotations

import datetime
import gzip
import re
import time

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from e2e_support import DOMAIN, FLYTEPROJ, PROJECT, REPO_ROOT, run_pyflyte

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = REPO_ROOT / "build" / "console-screenshots"
URL_PRINTED = re.compile(r"Go to (http://\S+/console/projects/\S+/executions/[a-z0-9]+)")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class WatchedPage:
    """A page whose console errors, failed requests (network errors and HTTP >= 400) and
    requests to any other origin (aborted) are recorded; `assert_clean` fails on any."""

    def __init__(self, browser, origin: str, **context_options):
        self.origin = origin
        self.context = browser.new_context(viewport={"width": 1280, "height": 800}, **context_options)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.loads = 0  # documents loaded (a goto or reload, not the console's own navigation)
        self.issued: dict = {}  # request -> self.loads when it was sent
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("request", self._sent)
        self.page.on("requestfailed", self._failed)
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        self.page.route("**/*", self._same_origin_only)

    def _sent(self, request) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.loads += 1
        self.issued[request] = self.loads

    def _failed(self, request) -> None:
        # The browser drops what a page still had in flight when a test loads another document.
        left = request.failure == "net::ERR_ABORTED" and self.issued.get(request, self.loads) != self.loads
        if not left:
            self.problems.append(f"failed: {request.url} {request.failure}")

    def _same_origin_only(self, route):
        url = route.request.url
        if url.startswith((self.origin + "/", "data:")):
            route.continue_()
        else:
            self.problems.append(f"off-origin request: {url}")
            route.abort()

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser, sandbox):
    pages = []

    def _open(**context_options) -> WatchedPage:
        page = WatchedPage(browser, f"http://localhost:{sandbox.port}", **context_options)
        pages.append(page)
        return page

    yield _open
    for page in pages:
        page.close()


def pyflyte_run(sandbox, *args, wait: bool, options: tuple = ()) -> str:
    """`pyflyte run --remote` of a workflow in tests/e2e/flyteproj, with `options` of `run` (say
    `--tags`); returns the URL it printed."""
    flags = ["--wait", "--poll-interval", "1", *options] if wait else list(options)
    res = run_pyflyte(
        sandbox, "--config", sandbox.config_path, "run", "--remote", *flags,
        "--project", PROJECT, "--domain", DOMAIN, "runs/workflows.py", *args, cwd=FLYTEPROJ,
    )
    assert res.returncode == 0, res.output
    match = URL_PRINTED.search(res.output)
    assert match, res.output
    return match.group(1)


def test_http_root_redirects_and_pages_carry_the_security_headers(sandbox):
    base = f"http://localhost:{sandbox.port}"
    root = requests.get(base + "/", allow_redirects=False, timeout=10)
    assert root.status_code == 302 and root.headers["Location"] == "/console/"
    page = requests.get(base + "/console/projects/p/domains/d/executions/x", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "no-cache"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self';")
    scripts = re.findall(r'src="(/console/assets/main-[A-Z0-9]+\.js)"', page.text)
    assert len(scripts) == 1, page.text
    # Hashed assets: immutable, gzip when accepted (requests decodes it), the same bytes raw.
    packed = requests.get(base + scripts[0], headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
    assert packed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.headers["Content-Type"] == "text/javascript; charset=utf-8"
    body = gzip.decompress(packed.raw.read())
    raw = requests.get(base + scripts[0], headers={"Accept-Encoding": "identity"}, timeout=10)
    assert "Content-Encoding" not in raw.headers and raw.content == body
    assert requests.get(base + "/console/assets/main-NOSUCH.js", timeout=10).status_code == 404


def test_url_printed_by_pyflyte_opens_the_execution_with_its_nodes(sandbox, watched):
    url = pyflyte_run(sandbox, "chain_wf", "--x", "3", wait=True)
    assert url.startswith(f"http://localhost:{sandbox.port}/console/projects/{PROJECT}/domains/{DOMAIN}/executions/")
    name = url.rsplit("/", 1)[1]
    w = watched()
    w.page.goto(url)
    expect(w.page.locator("h1")).to_contain_text(name)
    expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"))
    nodes = w.page.locator("#nodes tbody tr")
    expect(nodes).to_have_count(2)  # add, then square; the start and end nodes are not shown
    expect(nodes.nth(0)).to_contain_text("n0")
    expect(nodes.nth(0)).to_contain_text("add")
    expect(nodes.nth(1)).to_contain_text("square")
    for i in range(2):
        expect(nodes.nth(i).locator(".phase")).to_have_text(re.compile("Succeeded"))
    expect(w.page.locator("body")).to_contain_text("runs.workflows.chain_wf")
    expect(w.page.locator(".live")).to_contain_text("not updating any more")
    inputs, outputs = w.page.locator(".values").nth(0), w.page.locator(".values").nth(1)
    expect(inputs.locator("tr")).to_have_text([re.compile(r"^x\s*3$")])
    expect(outputs.locator("tr")).to_have_text([re.compile(r"^o0\s*16$")])  # square(add(3, 1))
    w.screenshot("execution-succeeded")
    w.page.emulate_media(color_scheme="dark")
    w.screenshot("execution-succeeded-dark")
    w.page.emulate_media(color_scheme="light")

    # The executions list, then the projects page, by the page's own links (no reload).
    w.page.get_by_role("link", name=f"{PROJECT} / {DOMAIN}").click()
    expect(w.page.locator("h1")).to_have_text("Executions")
    expect(w.page.get_by_role("link", name=name)).to_be_visible()
    w.screenshot("executions")
    w.page.get_by_role("link", name="Projects").click()
    expect(w.page.locator("h1")).to_have_text("Projects")
    expect(w.page.get_by_role("link", name=DOMAIN).first).to_be_visible()
    w.screenshot("projects")
    w.page.go_back()
    expect(w.page.locator("h1")).to_have_text("Executions")
    w.assert_clean()


def test_a_running_execution_updates_without_reload_and_polling_stops_at_the_end(sandbox, watched):
    url = pyflyte_run(sandbox, "long_wf", "--seconds", "20", wait=False)  # outlasts pyflyte exiting
    w = watched()
    api_calls: list[float] = []
    w.page.on("request", lambda r: "/api/v1/executions/" in r.url and api_calls.append(time.monotonic()))
    w.page.goto(url)
    w.page.evaluate("window.__sameDocument = true")
    phase = w.page.locator("#execution-phase")
    expect(phase).to_have_text(re.compile("Queued|Running"), timeout=10_000)
    node = w.page.locator("#nodes tbody tr").first
    expect(node.locator(".phase")).to_have_text(re.compile("Running"), timeout=10_000)
    # The duration counts up while it runs, from the start time the gateway gave.
    duration = w.page.locator("#execution-duration")
    expect(duration).to_have_text(re.compile(r"^\d"))
    expect(duration).not_to_have_text(duration.inner_text(), timeout=5_000)
    w.screenshot("execution-running")
    # The pause switch stops polling; resuming polls again at once.
    w.page.get_by_role("button", name="Pause live updates").click()
    expect(w.page.locator(".live")).to_contain_text("Paused")
    time.sleep(1.5)  # a request in flight when paused may still land
    paused_at = len(api_calls)
    time.sleep(2.5)
    assert len(api_calls) == paused_at, "polled while paused"
    w.page.get_by_role("button", name="Resume live updates").click()
    expect(w.page.locator(".live")).to_contain_text("Live")
    deadline = time.monotonic() + 3
    while len(api_calls) == paused_at and time.monotonic() < deadline:
        w.page.wait_for_timeout(100)
    assert len(api_calls) > paused_at, "did not poll again after resuming"
    expect(phase).to_have_text(re.compile("Succeeded"), timeout=60_000)
    expect(node.locator(".phase")).to_have_text(re.compile("Succeeded"))
    expect(w.page.locator(".values").nth(1).locator("tr")).to_have_text([re.compile(r"^o0\s*20$")])
    assert w.page.evaluate("window.__sameDocument") is True  # updated in place, never reloaded
    # Polled about once a second while running; nothing more once the execution ended.
    assert len(api_calls) >= 3, api_calls
    ended = len(api_calls)
    time.sleep(3)
    assert len(api_calls) == ended, "the console kept polling a finished execution"
    w.screenshot("execution-finished-live")
    w.assert_clean()


def test_unknown_console_paths_show_a_not_found_page(sandbox, watched):
    w = watched()
    w.page.goto(f"http://localhost:{sandbox.port}/console/no/such/page")
    expect(w.page.locator("h1")).to_have_text("Not found")
    w.page.get_by_role("link", name="All projects").click()
    expect(w.page.locator("h1")).to_have_text("Projects")
    w.assert_clean()


def open_executions_list(sandbox, watched):
    """The executions list in a watched page; returns it, its URL and the list calls it makes."""
    base = f"http://localhost:{sandbox.port}/console/projects/{PROJECT}/domains/{DOMAIN}/executions"
    w = watched()
    requests_made: list[str] = []
    w.page.on("request", lambda r: "/api/v1/executions/" in r.url and requests_made.append(r.url))
    w.page.goto(base)
    return w, base, requests_made


def test_executions_list_filters_by_phase_and_name_kept_in_the_url(sandbox, watched):
    ok = pyflyte_run(sandbox, "chain_wf", "--x", "1", wait=True).rsplit("/", 1)[1]
    res = run_pyflyte(
        sandbox, "--config", sandbox.config_path, "run", "--remote", "--wait", "--poll-interval", "1",
        "--project", PROJECT, "--domain", DOMAIN, "runs/workflows.py", "branch_fail_wf", "--x", "1", cwd=FLYTEPROJ,
    )
    failed = URL_PRINTED.search(res.output).group(1).rsplit("/", 1)[1]  # pyflyte exits 1: the run failed
    w, base, requests_made = open_executions_list(sandbox, watched)
    names = w.page.locator("table.grid tbody tr td:nth-child(2)")
    expect(w.page.get_by_role("link", name=failed)).to_be_visible()
    expect(w.page.get_by_role("link", name=ok)).to_be_visible()
    # A phase: the URL says so, the gateway filters, the list shows only those.
    bar = w.page.get_by_role("search", name="Filter executions")
    bar.get_by_role("checkbox", name="Failed").check()
    expect(w.page).to_have_url(re.compile(r"\?status=failed$"))
    expect(names).to_have_text([failed])
    assert "&filters=value_in(phase%2CFAILED)" in requests_made[-1], requests_made[-1]
    w.screenshot("executions-filtered")
    # A reload keeps it.
    w.page.reload()
    expect(names).to_have_text([failed])
    expect(bar.get_by_role("checkbox", name="Failed")).to_be_checked()
    # Succeeded too, and a name search: part of the succeeded one's name.
    bar.get_by_role("checkbox", name="Succeeded").check()
    expect(w.page.get_by_role("link", name=ok)).to_be_visible()
    expect(w.page.get_by_role("link", name=failed)).to_be_visible()
    bar.get_by_label("Name contains").fill(ok[3:9])
    expect(w.page).to_have_url(re.compile(rf"\?status=succeeded%3Bfailed&search={ok[3:9]}$"))
    expect(names).to_have_text([ok])
    # A shared link opens the same list; a search that matches nothing says so.
    shared = w.page.url
    other = watched()
    other.page.goto(shared)
    expect(other.page.locator("table.grid tbody tr td:nth-child(2)")).to_have_text([ok])
    expect(other.page.get_by_label("Name contains")).to_have_value(ok[3:9])
    other.page.get_by_label("Name contains").fill("zzzz-no-such")
    expect(other.page.get_by_text("No executions match these filters.")).to_be_visible()
    other.page.get_by_role("link", name="Show all").click()
    expect(other.page).to_have_url(base)
    expect(other.page.get_by_role("link", name=failed)).to_be_visible()
    w.assert_clean()
    other.assert_clean()


def test_executions_list_filters_by_launch_plan_and_duration_kept_in_the_url(sandbox, watched):
    chain = pyflyte_run(sandbox, "chain_wf", "--x", "5", wait=True).rsplit("/", 1)[1]
    slow = pyflyte_run(sandbox, "long_wf", "--seconds", "3", wait=True).rsplit("/", 1)[1]
    w, base, requests_made = open_executions_list(sandbox, watched)
    expect(w.page.get_by_role("link", name=slow)).to_be_visible()
    bar = w.page.get_by_role("search", name="Filter executions")
    # A launch plan, picked from the project domain's.
    bar.get_by_label("Launch plan").select_option("runs.workflows.chain_wf")
    expect(w.page).to_have_url(re.compile(r"\?launchPlan=runs\.workflows\.chain_wf$"))
    expect(w.page.get_by_role("link", name=chain)).to_be_visible()
    expect(w.page.get_by_role("link", name=slow)).to_have_count(0)
    assert "&filters=eq(launch_plan.name%2Cruns.workflows.chain_wf)" in requests_made[-1], requests_made[-1]
    bar.get_by_label("Launch plan").select_option("")
    # How long it ran: typed as durations are, kept as seconds.
    bar.get_by_label("Ran at least").fill("2s")
    bar.get_by_label("Ran at least").press("Enter")
    expect(w.page).to_have_url(re.compile(r"\?minDuration=2$"))
    # (Other tests of this module's sandbox ran long ones too: only these two are known.)
    expect(w.page.get_by_role("link", name=slow)).to_be_visible()
    expect(w.page.get_by_role("link", name=chain)).to_have_count(0)
    assert "&filters=gte(duration%2C2)" in requests_made[-1], requests_made[-1]
    at_most = bar.get_by_label("Ran at most")
    placed = {"label": bar.get_by_text("Ran at most").bounding_box(), "field": at_most.bounding_box()}
    at_most.fill("soon")
    at_most.press("Enter")
    expect(at_most).to_have_attribute("aria-invalid", "true")
    # The error line shows under the field without moving it or its label (nor the list below).
    error = bar.locator("#filter-max-duration-error")
    expect(error).to_have_text("not a duration")
    assert {"label": bar.get_by_text("Ran at most").bounding_box(), "field": at_most.bounding_box()} == placed
    assert error.bounding_box()["y"] + error.bounding_box()["height"] <= w.page.locator("table.grid").bounding_box()["y"]
    expect(bar.get_by_label("Ran at most")).to_have_value("soon")  # kept, to be mended
    expect(w.page).to_have_url(re.compile(r"\?minDuration=2$"))  # refused in the page: the list stays
    w.screenshot("executions-filtered-by-duration")
    # The link shared shows the same list with the same field.
    other = watched()
    other.page.goto(f"{base}?launchPlan=runs.workflows.long_wf&minDuration=2")
    expect(other.page.get_by_role("link", name=slow)).to_be_visible()
    expect(other.page.get_by_role("link", name=chain)).to_have_count(0)
    assert all(cell == "runs.workflows.long_wf" for cell in
               other.page.locator("table.grid tbody tr td:nth-child(3)").all_inner_texts())
    expect(other.page.get_by_label("Ran at least")).to_have_value("2s")
    expect(other.page.get_by_label("Launch plan")).to_have_value("runs.workflows.long_wf")
    w.assert_clean()
    other.assert_clean()


def test_executions_list_filters_by_tags_kept_in_the_url(sandbox, watched):
    nightly = pyflyte_run(sandbox, "chain_wf", "--x", "6", wait=False, options=("--tags", "nightly", "--tags", "ml"))
    adhoc = pyflyte_run(sandbox, "chain_wf", "--x", "7", wait=False, options=("--tags", "adhoc"))
    plain = pyflyte_run(sandbox, "chain_wf", "--x", "8", wait=False)
    nightly, adhoc, plain = (url.rsplit("/", 1)[1] for url in (nightly, adhoc, plain))
    w, base, requests_made = open_executions_list(sandbox, watched)
    expect(w.page.get_by_role("link", name=plain)).to_be_visible()
    bar = w.page.get_by_role("search", name="Filter executions")
    # Any of the tags typed: the gateway filters on flyteadmin's execution_tag.key.
    bar.get_by_label("Tags").fill("nightly, adhoc")
    bar.get_by_label("Tags").press("Enter")
    expect(w.page).to_have_url(re.compile(r"\?tags=nightly%3Badhoc$"))
    expect(w.page.get_by_role("link", name=nightly)).to_be_visible()
    expect(w.page.get_by_role("link", name=adhoc)).to_be_visible()
    expect(w.page.get_by_role("link", name=plain)).to_have_count(0)
    assert "&filters=value_in(execution_tag.key%2Cnightly%3Badhoc)" in requests_made[-1], requests_made[-1]
    w.screenshot("executions-filtered-by-tags")
    # The link shared shows the same list with the same field; Back goes to the unfiltered list.
    other = watched()
    other.page.goto(f"{base}?tags=ml")
    expect(other.page.get_by_role("link", name=nightly)).to_be_visible()
    expect(other.page.locator("table.grid tbody tr")).to_have_count(1)
    expect(other.page.get_by_label("Tags")).to_have_value("ml")
    w.page.go_back()
    expect(w.page.get_by_role("link", name=plain)).to_be_visible()
    expect(w.page.get_by_label("Tags")).to_have_value("")
    w.assert_clean()
    other.assert_clean()


def test_times_show_in_utc_the_readers_zone_or_relative_and_the_choice_is_kept(sandbox, watched):
    name = pyflyte_run(sandbox, "chain_wf", "--x", "6", wait=True).rsplit("/", 1)[1]
    w = watched(timezone_id="Asia/Kolkata")  # UTC+5:30 all year: no daylight saving to trip on
    w.page.goto(f"http://localhost:{sandbox.port}/console/projects/{PROJECT}/domains/{DOMAIN}/executions/{name}")
    started = w.page.locator("main time").first
    expect(started).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"))
    utc = datetime.datetime.strptime(started.inner_text(), "%Y-%m-%d %H:%M:%S UTC")
    switch = w.page.get_by_label("Times")
    switch.select_option("local")
    local = (utc + datetime.timedelta(hours=5, minutes=30)).strftime("%Y-%m-%d %H:%M:%S")
    expect(started).to_have_text(re.compile(rf"^{local} GMT\+5:30$"))
    expect(started).to_have_attribute("title", f"{utc:%Y-%m-%d %H:%M:%S} UTC")  # the exact time on hover
    switch.select_option("relative")
    expect(started).to_have_text(re.compile(r"^\d+ (s|min) ago$"))
    w.screenshot("execution-relative-times")
    w.page.reload()  # kept for the next page
    expect(w.page.get_by_label("Times")).to_have_value("relative")
    expect(w.page.locator("main time").first).to_have_text(re.compile(r" ago$"))
    w.assert_clean()


def created_second(sandbox, name: str) -> str:
    """An execution's created_at to the second (UTC, "2026-11-29T10:00:05"), as the time fields take it."""
    rsp = requests.get(f"http://localhost:{sandbox.port}/api/v1/executions/{PROJECT}/{DOMAIN}/{name}", timeout=10)
    return rsp.json()["closure"]["created_at"][:19]


def as_shown(second: str) -> str:
    """A time field's value as the browser gives it back: HTML's normalized local date and time
    leaves out seconds that are zero ("2026-11-29T10:00:00" reads "2026-11-29T10:00")."""
    return second.removesuffix(":00") if len(second) == 19 else second


def test_executions_list_filters_by_workflow_and_creation_time_kept_in_the_url(sandbox, watched):
    chain = pyflyte_run(sandbox, "chain_wf", "--x", "2", wait=True).rsplit("/", 1)[1]
    time.sleep(1.1)  # the next one is created in a later second
    hello = pyflyte_run(sandbox, "hello_wf", wait=True).rsplit("/", 1)[1]
    w, base, requests_made = open_executions_list(sandbox, watched)
    rows = w.page.locator("table.grid tbody tr")
    expect(w.page.get_by_role("link", name=hello)).to_be_visible()
    bar = w.page.get_by_role("search", name="Filter executions")
    # A workflow, picked from the project domain's workflows.
    bar.get_by_label("Workflow").select_option("runs.workflows.chain_wf")
    expect(w.page).to_have_url(re.compile(r"\?workflow=runs\.workflows\.chain_wf$"))
    expect(w.page.get_by_role("link", name=chain)).to_be_visible()
    expect(w.page.get_by_role("link", name=hello)).to_have_count(0)
    expect(rows.locator("td:nth-child(3)")).to_have_text(["runs.workflows.chain_wf"] * rows.count())
    assert "&filters=eq(workflow.name%2Cruns.workflows.chain_wf)" in requests_made[-1], requests_made[-1]
    # Back to every workflow, then a time window: from the chain run's second to just before hello's.
    bar.get_by_label("Workflow").select_option("")
    expect(w.page).to_have_url(base)
    after = created_second(sandbox, chain)
    bar.get_by_label("Created after").fill(after)
    expect(w.page).to_have_url(re.compile(rf"\?after={re.escape(after.replace(':', '%3A'))}Z$"))
    expect(w.page.get_by_role("link", name=hello)).to_be_visible()  # created after, too
    hello_created = datetime.datetime.fromisoformat(created_second(sandbox, hello))
    before = (hello_created - datetime.timedelta(seconds=1)).isoformat()
    bar.get_by_label("Created before").fill(before)
    expect(w.page.get_by_role("link", name=hello)).to_have_count(0)
    expect(w.page.locator("table.grid tbody tr td:nth-child(2)")).to_have_text([chain])
    assert f"gte(created_at%2C{after}Z)%2Blte(created_at%2C{before}Z)" in requests_made[-1].replace("%3A", ":"), (
        requests_made[-1])
    w.screenshot("executions-filtered-by-time")
    # A reload, or the link shared, shows the same list with the same fields.
    w.page.reload()
    expect(w.page.locator("table.grid tbody tr td:nth-child(2)")).to_have_text([chain])
    expect(bar.get_by_label("Created after")).to_have_value(as_shown(after))
    expect(bar.get_by_label("Created before")).to_have_value(as_shown(before))
    # Both at once: the workflow that ran in the window and another that did not.
    bar.get_by_label("Workflow").select_option("runs.workflows.hello_wf")
    expect(w.page).to_have_url(re.compile(r"\?workflow=runs\.workflows\.hello_wf&after=.*&before=.*$"))
    expect(w.page.get_by_text("No executions match these filters.")).to_be_visible()
    w.assert_clean()
