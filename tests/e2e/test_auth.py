"""Authentication when the sandbox is exposed: bound beyond loopback it requires a bearer token,
the way FlyteAdmin does it, so real clients work unchanged: flytekit's ClientSecret (token from the
built-in client-credentials endpoint found through AuthMetadataService) and ExternalCommand
(a static token), plain grpcio and HTTP. Unauthenticated calls get UNAUTHENTICATED / 401 and
nothing else; secrets never reach the logs.

The sandbox binds this machine's own non-loopback address (`hostname -I`), so `auth.mode: auto`
is what turns authentication on.
"""

from __future__ import annotations

import base64
import json
import secrets
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import grpc
import pytest
import requests
from e2e_support import (
    PROJECT,
    RPC_TIMEOUT_S,
    clean_env,
    create_task,
    free_port,
    sandbox_command,
    start_sandbox,
    task_id,
    unique,
)
from flyteidl.admin import project_pb2
from flyteidl.service import admin_pb2_grpc, auth_pb2, auth_pb2_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

T = RPC_TIMEOUT_S
CLIENT_ID = "e2e-client"


def exposed_address() -> str:
    """This machine's first IPv4 address beyond loopback: binding it exposes the sandbox."""
    out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, check=True).stdout.split()
    addresses = [a for a in out if "." in a and not a.startswith("127.")]
    assert addresses, f"no non-loopback IPv4 address on this machine (hostname -I: {out})"
    return addresses[0]


@pytest.fixture(scope="module")
def secrets_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("auth-secrets")


@pytest.fixture(scope="module")
def client_secret(secrets_dir) -> str:
    secret = "cs-" + secrets.token_urlsafe(24)
    (secrets_dir / "client-secret").write_text(secret + "\n")
    return secret


@pytest.fixture(scope="module")
def static_token() -> str:
    return "st-" + secrets.token_urlsafe(24)


@pytest.fixture(scope="module")
def exposed(tmp_path_factory, secrets_dir, client_secret, static_token):
    base = tmp_path_factory.mktemp("auth-sandbox")
    config = base / "sandbox.yaml"
    config.write_text(
        "auth:\n"
        f"  client_id: {CLIENT_ID}\n"
        f"  client_secret_file: {secrets_dir / 'client-secret'}\n"
        f"  static_tokens: [{static_token}]\n"
    )
    sb = start_sandbox(base, config=config, bind=exposed_address())
    yield sb
    sb.stop_and_check()


def bearer(token: str) -> list:
    return [("authorization", f"Bearer {token}")]


def list_projects(sb, metadata=None):
    return admin_pb2_grpc.AdminServiceStub(sb.channel()).ListProjects(
        project_pb2.ProjectListRequest(), timeout=T, metadata=metadata
    )


def issue_token(sb, secret: str) -> requests.Response:
    metadata = auth_pb2_grpc.AuthMetadataServiceStub(sb.channel()).GetOAuth2Metadata(
        auth_pb2.OAuth2MetadataRequest(), timeout=T
    )
    return requests.post(
        metadata.token_endpoint,
        data={"grant_type": "client_credentials", "scope": "all"},
        auth=(CLIENT_ID, secret),
        timeout=T,
    )


def assert_unauthenticated(call):
    with pytest.raises(grpc.RpcError) as err:
        call()
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED, err.value.details()


def test_grpc_without_a_valid_token_is_unauthenticated(exposed):
    assert_unauthenticated(lambda: list_projects(exposed))
    assert_unauthenticated(lambda: list_projects(exposed, bearer("not-a-token")))
    assert_unauthenticated(lambda: list_projects(exposed, [("authorization", "Basic Zm9vOmJhcg==")]))
    # A method this sandbox does not serve says UNAUTHENTICATED too, not UNIMPLEMENTED.
    unserved = exposed.channel().unary_unary("/flyteidl.service.AdminService/CreateWorkflowEvent")
    assert_unauthenticated(lambda: unserved(b"", timeout=T))
    # A token signed by another sandbox (another key) is refused.
    forged_header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode()
    assert_unauthenticated(lambda: list_projects(exposed, bearer(forged_header + ".e30.c2ln")))


def test_anonymous_grpc_services(exposed):
    health = health_pb2_grpc.HealthStub(exposed.channel()).Check(health_pb2.HealthCheckRequest(), timeout=T)
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    stub = auth_pb2_grpc.AuthMetadataServiceStub(exposed.channel())
    metadata = stub.GetOAuth2Metadata(auth_pb2.OAuth2MetadataRequest(), timeout=T)
    assert metadata.token_endpoint == f"http://{exposed.endpoint}/oauth2/token"
    assert "client_credentials" in metadata.grant_types_supported
    client = stub.GetPublicClientConfig(auth_pb2.PublicClientAuthConfigRequest(), timeout=T)
    assert client.authorization_metadata_key == "flyte-authorization"


def test_http_without_a_valid_token_is_401(exposed):
    for path in ("/api/v1/projects", "/logs/x/y/0", "/nothing-here", "/api/v1/version"):
        rsp = requests.get(exposed.http + path, timeout=T)
        assert rsp.status_code == 401, (path, rsp.text)
        assert rsp.headers["WWW-Authenticate"].startswith("Bearer"), path
        assert rsp.json()["code"] == grpc.StatusCode.UNAUTHENTICATED.value[0]
    rsp = requests.get(exposed.http + "/api/v1/projects", headers={"Authorization": "Bearer wrong"}, timeout=T)
    assert rsp.status_code == 401
    # Open without a token: health, the OAuth2 metadata (RFC 8414 names), the client config.
    assert requests.get(exposed.http + "/healthz", timeout=T).status_code == 200
    well_known = requests.get(exposed.http + "/.well-known/oauth-authorization-server", timeout=T)
    assert well_known.status_code == 200, well_known.text
    assert well_known.json()["token_endpoint"] == f"{exposed.http}/oauth2/token"
    client = requests.get(exposed.http + "/config/v1/flyte_client", timeout=T)
    assert client.status_code == 200 and client.json()["authorization_metadata_key"] == "flyte-authorization"


def test_token_endpoint_client_credentials(exposed, client_secret):
    wrong = issue_token(exposed, client_secret + "x")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    wrong_grant = requests.post(
        exposed.http + "/oauth2/token", data={"grant_type": "password"}, auth=(CLIENT_ID, client_secret), timeout=T
    )
    assert wrong_grant.status_code == 400 and wrong_grant.json()["error"] == "unsupported_grant_type"
    # The form may carry the credentials instead of HTTP Basic (client_secret_post).
    posted = requests.post(
        exposed.http + "/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": client_secret},
        timeout=T,
    )
    assert posted.status_code == 200, posted.text

    rsp = issue_token(exposed, client_secret)
    assert rsp.status_code == 200, rsp.text
    body = rsp.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    token = body["access_token"]
    assert {p.id for p in list_projects(exposed, bearer(token)).projects} >= {PROJECT}
    assert {p.id for p in list_projects(exposed, [("flyte-authorization", f"Bearer {token}")]).projects} >= {PROJECT}
    # The gateway passes the bearer on to the gRPC call it makes.
    api = requests.get(exposed.http + "/api/v1/projects", headers={"Authorization": f"Bearer {token}"}, timeout=T)
    assert api.status_code == 200 and PROJECT in api.text
    # One altered signature character and the token is refused.
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert_unauthenticated(lambda: list_projects(exposed, bearer(tampered)))


def test_a_malformed_token_form_is_not_echoed(exposed, client_secret):
    # A bad escape in the form once had its whole field quoted back: the client secret, or a
    # mebibyte of whatever was sent. The reply says which field and where instead.
    def post(body: str) -> requests.Response:
        rsp = requests.post(
            exposed.http + "/oauth2/token",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=T,
        )
        assert rsp.status_code == 400 and rsp.json()["error"] == "invalid_request", rsp.text[:300]
        assert len(rsp.text) < 300, rsp.text[:300]
        return rsp

    form = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={client_secret}%zz"
    secret_reply = post(form).json()["error_description"]
    assert client_secret not in secret_reply
    assert secret_reply.endswith(f"parameter client_secret: bad percent escape at byte {len(client_secret)}")
    assert "k" * 100 not in post("x=" + "k" * (1 << 20) + "%").text


def test_grpcio_with_a_static_token(exposed, static_token):
    assert {p.id for p in list_projects(exposed, bearer(static_token)).projects} >= {PROJECT}
    rsp = requests.get(exposed.http + "/api/v1/projects", headers={"Authorization": f"Bearer {static_token}"}, timeout=T)
    assert rsp.status_code == 200


def flytekit_remote(config_path: Path):
    from flytekit.configuration import Config
    from flytekit.remote import FlyteRemote

    return FlyteRemote(Config.auto(config_file=str(config_path)), default_project=PROJECT, default_domain="development")


def test_flytekit_client_secret(exposed, secrets_dir, tmp_path):
    config = tmp_path / "client-secret.yaml"
    config.write_text(
        "admin:\n"
        f"  endpoint: dns:///{exposed.endpoint}\n"
        "  insecure: true\n"
        "  authType: ClientSecret\n"
        f"  clientId: {CLIENT_ID}\n"
        f"  clientSecretLocation: {secrets_dir / 'client-secret'}\n"
    )
    remote = flytekit_remote(config)
    assert PROJECT in {p.id for p in remote.client.list_projects_paginated()[0]}
    ident = task_id(unique("auth-task"), "v1")
    create_task(remote.client._stub, ident)  # the raw gRPC stub flytekit authenticated
    assert remote.fetch_task(name=ident.name, version=ident.version).id.name == ident.name


def test_flytekit_external_command(exposed, static_token, tmp_path):
    config = tmp_path / "external-command.yaml"
    config.write_text(
        "admin:\n"
        f"  endpoint: dns:///{exposed.endpoint}\n"
        "  insecure: true\n"
        "  authType: ExternalCommand\n"
        f"  command: [echo, {static_token}]\n"
    )
    remote = flytekit_remote(config)
    assert PROJECT in {p.id for p in remote.client.list_projects_paginated()[0]}


def test_the_written_client_config_authenticates(exposed, client_secret):
    written = exposed.home / ".flyte" / "config-sandbox.yaml"
    text = written.read_text()
    assert "authType: ClientSecret" in text and client_secret not in text
    remote = flytekit_remote(written)
    assert PROJECT in {p.id for p in remote.client.list_projects_paginated()[0]}


def test_flytekit_without_credentials_is_refused(exposed):
    from flytekit.exceptions.base import FlyteException

    # admin.endpoint and insecure only: flytekit's first call is refused, and its fallback (a
    # browser login, PKCE) has no public client to use, so the call fails.
    with pytest.raises(FlyteException):
        flytekit_remote(exposed.config_path).client.list_projects_paginated()


def test_secrets_never_reach_the_logs(exposed, client_secret, static_token):
    issued = issue_token(exposed, client_secret).json()["access_token"]
    list_projects(exposed, bearer(issued))
    assert_unauthenticated(lambda: list_projects(exposed, bearer(client_secret)))  # a secret sent as a token
    logs = [exposed.stdout_path, exposed.stderr_path, *exposed.state_dir.glob("*.log")]
    text = "".join(p.read_text(errors="replace") for p in logs if p.exists())
    assert text, "no sandbox output to check"
    for secret in (client_secret, static_token, issued):
        assert secret not in text


def test_exposed_without_credentials_refuses_to_start(tmp_path):
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    res = subprocess.run(
        sandbox_command(port, tmp_path / "state", bind=exposed_address()),
        env=clean_env(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert res.returncode != 0
    assert "refusing to start without authentication" in res.stderr, res.stderr
    assert "auth.client_id" in res.stderr and "auth.static_tokens" in res.stderr


def test_auth_mode_on_protects_loopback_too(tmp_path, static_token):
    config = tmp_path / "sandbox.yaml"
    config.write_text(f"auth:\n  mode: on\n  static_tokens: [{static_token}]\n")
    sb = start_sandbox(tmp_path, config=config)
    try:
        assert_unauthenticated(lambda: list_projects(sb))
        assert list_projects(sb, bearer(static_token)).projects
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{sb.http}/api/v1/projects", timeout=T)
        assert err.value.code == 401
    finally:
        sb.stop_and_check()


def test_loopback_stays_open_by_default(sandbox):
    assert list_projects(sandbox).projects
    assert json.loads(requests.get(sandbox.http + "/api/v1/projects", timeout=T).text)["projects"]
