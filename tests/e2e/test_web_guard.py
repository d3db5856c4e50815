"""The sandbox against hostile web pages in the user's own browser (server/request_guard).

A page on another origin must not be able to change anything (cross-site "simple" requests with
text/plain bodies, CORS preflights), nor read anything by DNS rebinding (a Host that does not
name the sandbox). Driven by a real Chromium (Debian's, through Playwright); plain JSON clients
(requests) keep working.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
from pathlib import Path

import grpc
import pytest
import requests
from flyteidl.admin import common_pb2, execution_pb2, project_pb2, task_pb2
from flyteidl.core import identifier_pb2, interface_pb2, literals_pb2, tasks_pb2
from google.protobuf import json_format
from playwright.sync_api import sync_playwright

from e2e_support import DOMAIN, PROJECT, RPC_TIMEOUT_S, free_port, rpc_error, task_id, unique

T = RPC_TIMEOUT_S
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def admin(sandbox):
    return sandbox.admin()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS + ["--host-resolver-rules=MAP rebound.example 127.0.0.1"],
        )
        yield chromium
        chromium.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def attacker_site(tmp_path):
    """Serves tmp_path on http://127.0.0.1:<another port>: an origin that is not the sandbox's."""
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def _json(message) -> str:
    return json_format.MessageToJson(message, preserving_proto_field_name=True)


def _shell_task(ident, marker: Path):
    """A raw container task running /bin/sh -c: what an attacker would register."""
    template = tasks_pb2.TaskTemplate(
        id=ident,
        type="raw-container",
        metadata=tasks_pb2.TaskMetadata(retries=literals_pb2.RetryStrategy(retries=0)),
        interface=interface_pb2.TypedInterface(),
        container=tasks_pb2.Container(image="busybox", command=["/bin/sh", "-c", f"touch {marker}"]),
    )
    return task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=template))


ATTACK_PAGE = """<!doctype html><html><body><script>
window.results = {};
async function attempt(name, url, init) {
  try {
    const rsp = await fetch(url, init);
    let text = null;
    try { text = await rsp.text(); } catch (e) {}
    window.results[name] = {type: rsp.type, status: rsp.status, ok: rsp.ok, text: text};
  } catch (e) {
    window.results[name] = {error: String(e)};
  }
}
(async () => {
  const api = %(api)s;
  for (const mode of ["no-cors", "cors"]) {
    for (const [name, path, body] of %(requests)s) {
      await attempt(mode + " " + name, api + path,
                    {method: "POST", mode: mode, headers: {"Content-Type": "text/plain"}, body: body});
    }
  }
  // A request that needs a preflight (JSON content type) must not be let through either.
  await attempt("preflighted project", api + "/api/v1/projects",
                {method: "POST", mode: "cors", headers: {"Content-Type": "application/json"}, body: %(project)s});
  window.done = true;
})();
</script></body></html>"""


def test_cross_origin_page_cannot_register_or_run_anything(sandbox, admin, browser, attacker_site, tmp_path):
    site_dir, site = attacker_site
    marker = tmp_path / "pwned"
    ident = task_id(unique("web.attack"), "v1")
    name = unique("webx")[-20:]
    execution = execution_pb2.ExecutionCreateRequest(
        project=PROJECT,
        domain=DOMAIN,
        name=name,
        spec=execution_pb2.ExecutionSpec(launch_plan=ident),
        inputs=literals_pb2.LiteralMap(),
    )
    project_id = unique("webproj")
    project = _json(project_pb2.ProjectRegisterRequest(project=project_pb2.Project(id=project_id, name="pwned")))
    preflighted_id = unique("webpre")
    preflighted = _json(project_pb2.ProjectRegisterRequest(project=project_pb2.Project(id=preflighted_id, name="x")))
    attacks = [
        ["project", "/api/v1/projects", project],
        ["task", "/api/v1/tasks", _json(_shell_task(ident, marker))],
        ["execution", "/api/v1/executions", _json(execution)],
    ]
    (site_dir / "attack.html").write_text(
        ATTACK_PAGE
        % {
            "api": json.dumps(sandbox.http),
            "requests": json.dumps(attacks),
            "project": json.dumps(preflighted),
        }
    )

    page = browser.new_page()
    try:
        page.goto(f"{site}/attack.html")
        page.wait_for_function("window.done === true", timeout=30_000)
        results = page.evaluate("window.results")
    finally:
        page.close()

    # The browser got no readable success: opaque (no-cors) or a network error (cors).
    assert len(results) == 7, results
    for attempt, result in results.items():
        assert not result.get("ok"), (attempt, result)
        assert not result.get("text"), (attempt, result)

    # And nothing happened on the server.
    time.sleep(1)  # an execution, had one been created, would have started by now
    assert not marker.exists(), "a cross-origin page ran a shell command"
    for request in (
        lambda: admin.GetProject(project_pb2.ProjectGetRequest(id=project_id), timeout=T),
        lambda: admin.GetProject(project_pb2.ProjectGetRequest(id=preflighted_id), timeout=T),
        lambda: admin.GetTask(common_pb2.ObjectGetRequest(id=ident), timeout=T),
        lambda: admin.GetExecution(
            execution_pb2.WorkflowExecutionGetRequest(
                id=identifier_pb2.WorkflowExecutionIdentifier(project=PROJECT, domain=DOMAIN, name=name)
            ),
            timeout=T,
        ),
    ):
        with pytest.raises(grpc.RpcError) as refused:
            request()
        assert refused.value.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT), refused.value

    # The same JSON from a plain client (no Origin, application/json) still registers.
    rsp = requests.post(f"{sandbox.http}/api/v1/projects", data=project, headers={"Content-Type": "application/json"}, timeout=T)
    assert rsp.status_code == 200, rsp.text
    assert admin.GetProject(project_pb2.ProjectGetRequest(id=project_id), timeout=T).name == "pwned"


def test_dns_rebinding_in_a_browser_reads_nothing(sandbox, browser):
    """rebound.example resolves to 127.0.0.1 (as after DNS rebinding): the page is same-origin
    with the sandbox's port, but its Host names the attacker's domain."""
    page = browser.new_page()
    try:
        page.goto(f"http://rebound.example:{sandbox.port}/healthz")
        read = page.evaluate(
            """async () => { const rsp = await fetch('/api/v1/projects');
                             return {status: rsp.status, text: await rsp.text()}; }"""
        )
        write = page.evaluate(
            """async () => { const rsp = await fetch('/api/v1/projects', {method: 'POST',
                               headers: {'Content-Type': 'application/json'},
                               body: JSON.stringify({project: {id: 'rebound', name: 'x'}})});
                             return {status: rsp.status, text: await rsp.text()}; }"""
        )
    finally:
        page.close()
    assert read["status"] == 403, read
    assert PROJECT not in read["text"], read
    assert write["status"] == 403, write
    rsp = requests.get(f"{sandbox.http}/api/v1/projects/rebound", timeout=T)
    assert rsp.status_code == 404, rsp.text


@pytest.mark.parametrize("path", ["/api/v1/projects", "/healthz", "/data/uploads/x?expires=1&signature=x"])
def test_host_that_does_not_name_the_sandbox_is_refused(sandbox, path):
    for host in ("evil.example", f"evil.example:{sandbox.port}"):
        rsp = requests.get(f"{sandbox.http}{path}", headers={"Host": host}, timeout=T)
        assert rsp.status_code == 403, (host, rsp.status_code, rsp.text)
        assert "allowed_hosts" in rsp.json()["message"]
    rsp = requests.post(
        f"{sandbox.http}/api/v1/projects",
        json={"project": {"id": unique("rebind"), "name": "x"}},
        headers={"Host": f"evil.example:{sandbox.port}"},
        timeout=T,
    )
    assert rsp.status_code == 403, rsp.text
    for host in ("localhost", f"127.0.0.1:{sandbox.port}", f"[::1]:{sandbox.port}"):
        rsp = requests.get(f"{sandbox.http}/healthz", headers={"Host": host}, timeout=T)
        assert rsp.status_code == 200, (host, rsp.status_code)


def test_allowed_hosts_from_the_config(sandbox_factory):
    base = sandbox_factory.new_dir("hosts")
    config = base / "sandbox.yaml"
    config.write_text("server:\n  allowed_hosts: [box.example]\n")
    sb = sandbox_factory.start(base=base, config=config)
    assert requests.get(f"{sb.http}/api/v1/projects", headers={"Host": f"box.example:{sb.port}"}, timeout=T).ok
    assert requests.get(f"{sb.http}/api/v1/projects", headers={"Host": "localhost"}, timeout=T).ok
    rsp = requests.get(f"{sb.http}/api/v1/projects", headers={"Host": "evil.example"}, timeout=T)
    assert rsp.status_code == 403, rsp.text


def test_cors_preflight_gets_no_permission(sandbox):
    rsp = requests.options(
        f"{sandbox.http}/api/v1/projects",
        headers={
            "Origin": "http://127.0.0.1:9",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=T,
    )
    assert not 200 <= rsp.status_code < 300, rsp.status_code
    granted = [h for h in rsp.headers if h.lower().startswith("access-control-allow")]
    assert not granted, rsp.headers


def test_cross_origin_write_is_refused_and_same_origin_accepted(sandbox, admin):
    for origin in ("http://127.0.0.1:9", "null", f"http://localhost:{sandbox.port + 1}"):
        pid = unique("xorigin")
        rsp = requests.post(
            f"{sandbox.http}/api/v1/projects", json={"project": {"id": pid, "name": "x"}}, headers={"Origin": origin}, timeout=T
        )
        assert rsp.status_code == 403, (origin, rsp.text)
        assert rpc_error(admin.GetProject, project_pb2.ProjectGetRequest(id=pid)).code() in (
            grpc.StatusCode.NOT_FOUND,
            grpc.StatusCode.INVALID_ARGUMENT,
        )
    pid = unique("sameorigin")
    rsp = requests.post(
        f"{sandbox.http}/api/v1/projects",
        json={"project": {"id": pid, "name": "same origin"}},
        headers={"Origin": sandbox.http},
        timeout=T,
    )
    assert rsp.status_code == 200, rsp.text
    assert admin.GetProject(project_pb2.ProjectGetRequest(id=pid), timeout=T).name == "same origin"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", None]
)
def test_gateway_refuses_bodies_it_does_not_parse(sandbox, admin, content_type):
    pid = unique("ctype")
    body = json.dumps({"project": {"id": pid, "name": "x"}}).encode()
    session = requests.Session()
    request = requests.Request("POST", f"{sandbox.http}/api/v1/projects", data=body).prepare()
    request.headers.pop("Content-Type", None)
    if content_type is not None:
        request.headers["Content-Type"] = content_type
    rsp = session.send(request, timeout=T)
    assert rsp.status_code == 415, rsp.text
    assert "application/json" in rsp.json()["message"]
    assert rpc_error(admin.GetProject, project_pb2.ProjectGetRequest(id=pid)).code() in (
        grpc.StatusCode.NOT_FOUND,
        grpc.StatusCode.INVALID_ARGUMENT,
    )
