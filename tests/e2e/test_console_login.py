"""The console when the sandbox requires authentication (auth.mode: on), in a real browser
(Debian's Chromium through Playwright): its pages and assets load without a token, nothing under
/api/v1 answers without one; the console shows a login page, refuses a wrong secret or token
with a message, and with the right client secret (exchanged at the sandbox's token endpoint) or
static token shows the page asked for. The token stays in the tab's sessionStorage: never in a
URL or the sandbox's logs."""

from __future__ import annotations

import re
import secrets

import pytest
import requests
import test_console
from e2e_support import (
    DOMAIN,
    FLYTEPROJ,
    PROJECT,
    RPC_TIMEOUT_S,
    run_pyflyte,
    start_sandbox,
)
from playwright.sync_api import expect
from test_console import URL_PRINTED, WatchedPage

browser = test_console.browser  # the console tests' module-wide Chromium

CLIENT_ID = "console-e2e"
TOKEN_KEY = "flyte.console.token"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    base = tmp_path_factory.mktemp("console-auth")
    secret = "cs-" + secrets.token_urlsafe(24)
    static = "st-" + secrets.token_urlsafe(24)
    (base / "client-secret").write_text(secret + "\n")
    config = base / "sandbox.yaml"
    config.write_text(
        "auth:\n"
        "  mode: on\n"
        f"  client_id: {CLIENT_ID}\n"
        f"  client_secret_file: {base / 'client-secret'}\n"
        f"  static_tokens: [{static}]\n"
    )
    sb = start_sandbox(base, config=config)
    sb.secret, sb.static = secret, static
    yield sb
    sb.stop_and_check()


@pytest.fixture(scope="module")
def execution(guarded) -> str:
    """An execution run by pyflyte with the client config the sandbox wrote (client secret)."""
    written = guarded.home / ".flyte" / "config-sandbox.yaml"
    res = run_pyflyte(
        guarded, "--config", written, "run", "--remote", "--project", PROJECT, "--domain", DOMAIN,
        "runs/workflows.py", "hello_wf", cwd=FLYTEPROJ,
    )
    assert res.returncode == 0, res.output
    return URL_PRINTED.search(res.output).group(1).rsplit("/", 1)[1]


def test_the_console_loads_without_a_token_and_the_api_does_not_answer(guarded):
    base = guarded.http
    page = requests.get(base + "/console/projects/p/domains/d/executions", timeout=RPC_TIMEOUT_S)
    assert page.status_code == 200 and 'id="app"' in page.text
    for asset in re.findall(r'(?:src|href)="(/console/assets/[^"]+)"', page.text):
        assert requests.get(base + asset, timeout=RPC_TIMEOUT_S).status_code == 200, asset
    assert requests.get(base + "/", allow_redirects=False, timeout=RPC_TIMEOUT_S).status_code == 302
    calls = [
        ("GET", "/api/v1/projects"),
        ("GET", f"/api/v1/executions/{PROJECT}/{DOMAIN}"),
        ("GET", f"/api/v1/named_entities/WORKFLOW/{PROJECT}/{DOMAIN}"),
        ("POST", "/api/v1/executions"),
        ("DELETE", f"/api/v1/executions/{PROJECT}/{DOMAIN}/x"),
        ("PUT", f"/api/v1/launch_plans/{PROJECT}/{DOMAIN}/lp/v1"),
        ("GET", "/api/v1/version"),
    ]
    for verb, path in calls:
        rsp = requests.request(verb, base + path, json={}, timeout=RPC_TIMEOUT_S)
        assert rsp.status_code == 401, (verb, path, rsp.status_code)
        rsp = requests.request(verb, base + path, json={}, headers={"Authorization": "Bearer wrong"}, timeout=RPC_TIMEOUT_S)
        assert rsp.status_code == 401, (verb, path, rsp.status_code)


class LoginPage(WatchedPage):
    """A watched page on which the 401s of the login exchange are expected, not problems."""

    def assert_clean(self) -> None:
        expected = re.compile(
            r"(HTTP 401: .*/api/v1/)|(HTTP 400: .*/oauth2/token$)|(console: Failed to load resource: .* 40[01] )"
        )
        assert not [p for p in self.problems if not expected.search(p)], "\n".join(self.problems)


def test_login_with_the_client_secret_returns_to_the_page_asked_for(guarded, execution, browser):
    asked = f"{guarded.http}/console/projects/{PROJECT}/domains/{DOMAIN}/executions"
    w = LoginPage(browser, guarded.http)
    try:
        w.page.goto(asked)
        expect(w.page.locator("h1")).to_have_text("Log in")
        w.screenshot("login")
        w.page.get_by_label("Client id", exact=True).fill(CLIENT_ID)
        w.page.get_by_label("Client secret", exact=True).fill(guarded.secret + "x")
        w.page.get_by_role("button", name="Log in").click()
        expect(w.page.get_by_role("alert")).to_have_text("Refused: the client id or secret is wrong.")
        w.screenshot("login-refused")
        w.page.get_by_label("Client secret", exact=True).fill(guarded.secret)
        w.page.get_by_role("button", name="Log in").click()
        expect(w.page.locator("h1")).to_have_text("Executions")
        expect(w.page.get_by_role("link", name=execution)).to_be_visible()
        assert w.page.url == asked
        token = w.page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')")
        assert token and token != guarded.secret
        assert w.page.evaluate("localStorage.length") == 0
        # The token works for other pages, and after a reload (this tab keeps it).
        w.page.get_by_role("link", name=execution).click()
        # Ended, and the last reads (the nodes' attempts, read once after the end) answered, so no
        # request is in flight for the reload to abort.
        expect(w.page.locator("#execution-phase")).to_have_text(re.compile("Succeeded"), timeout=60_000)
        expect(w.page.locator(".live")).to_contain_text("not updating any more")
        w.page.wait_for_load_state("networkidle")
        w.page.reload()
        expect(w.page.locator("h1")).to_contain_text(execution)
        w.screenshot("logged-in-execution")
        # Never in a URL the browser asked for, nor in the sandbox's logs.
        logs = "".join(p.read_text(errors="replace") for p in (guarded.stdout_path, guarded.stderr_path))
        for secret in (token, guarded.secret):
            assert secret not in logs
        w.assert_clean()
    finally:
        w.close()


def test_login_with_a_static_token_and_a_new_tab_asks_again(guarded, execution, browser):
    asked = f"{guarded.http}/console/projects/{PROJECT}/domains/{DOMAIN}/executions/{execution}"
    w = LoginPage(browser, guarded.http)
    urls: list[str] = []
    w.page.on("request", lambda r: urls.append(r.url))
    try:
        w.page.goto(asked)
        expect(w.page.locator("h1")).to_have_text("Log in")
        w.page.get_by_label("Bearer token", exact=True).fill("not-a-token")
        w.page.get_by_role("button", name="Use this token").click()
        expect(w.page.get_by_role("alert")).to_have_text("Refused: the sandbox does not accept this token.")
        w.page.get_by_label("Bearer token", exact=True).fill(guarded.static)
        w.page.get_by_role("button", name="Use this token").click()
        expect(w.page.locator("h1")).to_contain_text(execution)
        assert w.page.url == asked
        assert not [u for u in urls if guarded.static in u]
        w.assert_clean()
    finally:
        w.close()
