"""The sandbox's log (stderr) as structured JSON lines: one object per event with time, level,
component and message; API calls (gRPC and the HTTP gateway) carry a request id, the client's
`x-request-id` when sane, which comes back in the reply; and no credential or signed URL's
signature reaches the log.

One sandbox with `--log-format json --log-level debug` and authentication on (client secret
file, static token). The module fixture makes real calls (grpcio, requests, pyflyte register
with its signed uploads, a task execution), stops the sandbox and parses its whole stderr.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import grpc
import pytest
import requests
from flyteidl.admin import execution_pb2, project_pb2
from flyteidl.core import execution_pb2 as core_execution_pb2, literals_pb2
from flyteidl.service import dataproxy_pb2

from e2e_support import (
    DOMAIN,
    FLYTEPROJ,
    PROJECT,
    RPC_TIMEOUT_S,
    VENV_BIN,
    execution_id,
    launch_plan_id,
    run_pyflyte,
    start_sandbox,
    unique,
)

T = RPC_TIMEOUT_S
CLIENT_ID = "e2e-logs"
VERSION = "logs-v1"
UPLOADED = b"a log test\n"
REQUIRED_KEYS = ("time", "level", "component", "msg")
RFC3339_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
TERMINAL = {core_execution_pb2.WorkflowExecution.SUCCEEDED, core_execution_pb2.WorkflowExecution.FAILED,
            core_execution_pb2.WorkflowExecution.ABORTED, core_execution_pb2.WorkflowExecution.TIMED_OUT}


@dataclass
class Session:
    """What the calls sent (ids, secrets) and what the sandbox wrote."""

    client_secret: str
    static_token: str
    ids: dict = field(default_factory=dict)  # what each request id was for -> the id
    echoed: dict = field(default_factory=dict)  # the id each reply carried back
    leaks: list = field(default_factory=list)  # strings that must not be in the log
    execution: str = ""
    raw: str = ""
    events: list = field(default_factory=list)
    not_json: list = field(default_factory=list)


def request_id(kind: str) -> str:
    return f"e2e-{kind}-{uuid.uuid4().hex[:12]}"


def grpc_metadata(token: str, rid: str, key: str = "authorization") -> list:
    return [(key, f"Bearer {token}"), ("x-request-id", rid)]


def header(metadata, key: str) -> str:
    return dict(metadata or ()).get(key, "")


def grpc_calls(sb, s: Session) -> None:
    admin = sb.admin()
    rid = s.ids["grpc"] = request_id("grpc")
    _, call = admin.ListProjects.with_call(project_pb2.ProjectListRequest(), timeout=T,
                                           metadata=grpc_metadata(s.static_token, rid))
    s.echoed["grpc"] = header(call.initial_metadata(), "x-request-id")
    # A secret sent as a token is refused; the reply still carries the id.
    rid = s.ids["refused"] = request_id("refused")
    with pytest.raises(grpc.RpcError) as refused:
        admin.ListProjects(project_pb2.ProjectListRequest(), timeout=T, metadata=grpc_metadata(s.client_secret, rid))
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    s.echoed["refused"] = header(refused.value.initial_metadata(), "x-request-id")
    # An id that is not sane is replaced by one of the sandbox's.
    _, call = admin.ListProjects.with_call(project_pb2.ProjectListRequest(), timeout=T,
                                           metadata=grpc_metadata(s.static_token, "not a sane id"))
    s.echoed["insane"] = header(call.initial_metadata(), "x-request-id")


def http_calls(sb, s: Session) -> None:
    rid = s.ids["http"] = request_id("http")
    rsp = requests.get(f"{sb.http}/api/v1/projects", timeout=T,
                       headers={"Authorization": f"Bearer {s.static_token}", "X-Request-Id": rid})
    assert rsp.status_code == 200, rsp.text
    s.echoed["http"] = rsp.headers.get("x-request-id", "")
    # The token endpoint: the client secret goes in (Basic), a JWT comes out.
    rsp = requests.post(f"{sb.http}/oauth2/token", data={"grant_type": "client_credentials"},
                        auth=(CLIENT_ID, s.client_secret), timeout=T)
    assert rsp.status_code == 200, rsp.text
    issued = rsp.json()["access_token"]
    s.leaks.append(issued)
    # The issued token on a gRPC call, and a signed upload URL used as a client would.
    rid = s.ids["upload"] = request_id("upload")
    location = sb.dataproxy().CreateUploadLocation(
        dataproxy_pb2.CreateUploadLocationRequest(project=PROJECT, domain=DOMAIN, filename="logs.txt",
                                                  content_md5=hashlib.md5(UPLOADED).digest()),
        timeout=T, metadata=grpc_metadata(issued, rid, key="flyte-authorization"))
    query = urlparse(location.signed_url).query
    assert "signature=" in query, location.signed_url
    s.leaks += [query, query.split("signature=")[1].split("&")[0]]
    rid = s.ids["put"] = request_id("put")
    rsp = requests.put(location.signed_url, data=UPLOADED, headers={**dict(location.headers), "X-Request-Id": rid},
                       timeout=T)
    assert rsp.status_code == 200, rsp.text
    s.echoed["put"] = rsp.headers.get("x-request-id", "")


def run_execution(sb, s: Session, base: Path) -> None:
    """pyflyte register (its uploads go to signed URLs), then CreateExecution over gRPC with an id."""
    config = base / "client-secret.yaml"
    config.write_text(f"admin:\n  endpoint: dns:///{sb.endpoint}\n  insecure: true\n  authType: ClientSecret\n"
                      f"  clientId: {CLIENT_ID}\n  clientSecretLocation: {base / 'client-secret'}\n")
    res = run_pyflyte(sb, "--config", config, "register", "--project", PROJECT, "--domain", DOMAIN,
                      "--version", VERSION, "--destination-dir", ".", "runs", cwd=FLYTEPROJ)
    assert res.returncode == 0, res.output
    rid = s.ids["execution"] = request_id("execution")
    s.execution = unique("logs")[-20:].replace("_", "-").lower()
    name = "runs.workflows.hello_wf"
    inputs = literals_pb2.LiteralMap(literals={"name": literals_pb2.Literal(scalar=literals_pb2.Scalar(
        primitive=literals_pb2.Primitive(string_value="logs")))})
    admin = sb.admin()
    admin.CreateExecution(
        execution_pb2.ExecutionCreateRequest(
            project=PROJECT, domain=DOMAIN, name=s.execution, inputs=inputs,
            spec=execution_pb2.ExecutionSpec(launch_plan=launch_plan_id(name, VERSION),
                                             metadata=execution_pb2.ExecutionMetadata())),
        timeout=T, metadata=grpc_metadata(s.static_token, rid))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        got = admin.GetExecution(execution_pb2.WorkflowExecutionGetRequest(id=execution_id(s.execution)), timeout=T,
                                 metadata=[("authorization", f"Bearer {s.static_token}")])
        if got.closure.phase in TERMINAL:
            assert got.closure.phase == core_execution_pb2.WorkflowExecution.SUCCEEDED, got.closure.error
            return
        time.sleep(0.2)
    pytest.fail(f"execution {s.execution} did not end within 120 s")


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Session:
    base = tmp_path_factory.mktemp("json-log")
    s = Session(client_secret="cs-" + secrets.token_urlsafe(24), static_token="st-" + secrets.token_urlsafe(24))
    s.leaks += [s.client_secret, s.static_token]
    (base / "client-secret").write_text(s.client_secret + "\n")
    config = base / "sandbox.yaml"
    config.write_text(f"auth:\n  mode: on\n  client_id: {CLIENT_ID}\n  client_secret_file: {base / 'client-secret'}\n"
                      f"  static_tokens: [{s.static_token}]\ntasks:\n  path: [{VENV_BIN}]\n")
    sb = start_sandbox(base, config=config, extra_args=["--log-format", "json", "--log-level", "debug"])
    try:
        grpc_calls(sb, s)
        http_calls(sb, s)
        run_execution(sb, s, base)
    finally:
        sb.stop_and_check()
    s.raw = sb.stderr_path.read_text(errors="replace")
    signing_key = (sb.state_dir / "signing.key").read_bytes()
    s.leaks += [signing_key.hex(), base64.b64encode(signing_key).decode()]
    for line in s.raw.splitlines():
        try:
            s.events.append(json.loads(line))
        except ValueError:
            s.not_json.append(line)
    return s


def events_with(s: Session, rid: str) -> list:
    return [e for e in s.events if e.get("request_id") == rid]


def test_every_line_is_a_json_event_with_the_required_fields(session):
    assert not session.not_json, session.not_json[:5]
    assert session.raw.endswith("\n") and len(session.events) >= 10, session.raw[-2000:]
    for event in session.events:
        assert all(isinstance(event.get(k), str) and event[k] for k in REQUIRED_KEYS), event
        assert RFC3339_MS.match(event["time"]), event
        assert event["level"] in ("debug", "info", "warn", "error"), event
    messages = {(e["component"], e["msg"]) for e in session.events}
    assert {("sandbox", "serving"), ("sandbox", "stopping"), ("sandbox", "stopped")} <= messages, messages


def test_replies_carry_the_request_id_back(session):
    for kind in ("grpc", "refused", "http", "put"):
        assert session.echoed[kind] == session.ids[kind], kind
    generated = session.echoed["insane"]
    assert generated and " " not in generated and "not" not in generated


def test_each_api_call_is_logged_with_its_request_id(session):
    (grpc_line,) = [e for e in events_with(session, session.ids["grpc"]) if e["component"] == "grpc"]
    assert grpc_line["method"] == "/flyteidl.service.AdminService/ListProjects" and grpc_line["code"] == "OK"
    assert isinstance(grpc_line["duration_ms"], float)
    (refused,) = events_with(session, session.ids["refused"])
    assert refused["code"] == "UNAUTHENTICATED"
    # The gateway's HTTP line and the in-process gRPC call it made share the id.
    http = events_with(session, session.ids["http"])
    assert {e["component"] for e in http} == {"http", "grpc"}, http
    (http_line,) = [e for e in http if e["component"] == "http"]
    assert (http_line["method"], http_line["path"], http_line["status"]) == ("GET", "/api/v1/projects", 200)
    (put_line,) = events_with(session, session.ids["put"])
    assert put_line["method"] == "PUT" and put_line["status"] == 200 and "?" not in put_line["path"]
    assert events_with(session, session.ids["upload"])


def test_the_execution_is_logged_from_launch_to_end(session):
    name = f"{PROJECT}/{DOMAIN}/{session.execution}"
    launched = [e for e in events_with(session, session.ids["execution"]) if e["msg"] == "execution launched"]
    assert launched and launched[0]["execution"] == name, events_with(session, session.ids["execution"])
    ended = [e for e in session.events if e["msg"] == "execution ended" and e.get("execution") == name]
    assert ended and ended[0]["phase"] == "SUCCEEDED", ended


def test_no_secret_token_or_signature_reaches_the_log(session):
    assert len(session.leaks) >= 7
    for leak in session.leaks:
        assert leak and leak not in session.raw, f"{leak[:12]}... is in the log"
