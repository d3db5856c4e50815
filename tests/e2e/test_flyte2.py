"""Flyte 2's `flyte` SDK and CLI (the real one, from .venv-flyte2) against the sandbox: the Connect
protocol on the same port as Flyte 1's gRPC, and Flyte 2's services over the same state (projects;
runs are in test_flyte2_runs.py)."""

from __future__ import annotations

import json

import requests
from e2e_support import flyte2, unique
from flyteidl.admin import project_pb2


def test_the_flyte_cli_lists_and_gets_the_seeded_project(sandbox):
    listed = flyte2(sandbox, "-of", "json-raw", "get", "project")
    projects = {p["id"]: p for p in json.loads(listed.stdout)}
    assert projects["flytesnacks"]["description"] == "Default project setup."
    assert [d["id"] for d in projects["flytesnacks"]["domains"]] == ["development", "staging", "production"]
    got = flyte2(sandbox, "get", "project", "flytesnacks")
    assert "id='flytesnacks'" in got.stdout and "PROJECT_STATE_ACTIVE" in got.stdout


def test_projects_are_shared_between_flyte_1_and_flyte_2(sandbox):
    # Created by the Flyte 2 CLI: Flyte 1's gRPC API (flytekit's and flytectl's) lists it.
    v2_id = unique("vtwo").replace("_", "-").lower()[:40]
    flyte2(sandbox, "create", "project", "--id", v2_id, "--name", "From Flyte 2", "--description", "made by flyte",
           "-l", "team=ml")
    projects = {p.id: p for p in sandbox.admin().ListProjects(project_pb2.ProjectListRequest(limit=100)).projects}
    assert projects[v2_id].name == "From Flyte 2" and projects[v2_id].description == "made by flyte"
    assert dict(projects[v2_id].labels.values) == {"team": "ml"}

    # Registered through Flyte 1's API: the Flyte 2 CLI gets it.
    v1_id = unique("vone").replace("_", "-").lower()[:40]
    sandbox.admin().RegisterProject(project_pb2.ProjectRegisterRequest(
        project=project_pb2.Project(id=v1_id, name="From Flyte 1")))
    got = flyte2(sandbox, "get", "project", v1_id)
    assert f"id='{v1_id}'" in got.stdout and "From Flyte 1" in got.stdout


def test_errors_reach_the_cli_as_connect_errors(sandbox):
    missing = flyte2(sandbox, "get", "project", "no-such-project", check=False)
    assert missing.returncode != 0
    assert "project no-such-project not found" in missing.stdout + missing.stderr
    again = flyte2(sandbox, "create", "project", "--id", "flytesnacks", "--name", "dup", check=False)
    assert again.returncode != 0 and "already exists" in again.stdout + again.stderr
    # A service not served yet answers `unimplemented` (the SDK's fallbacks expect it), by name.
    triggers = flyte2(sandbox, "get", "trigger", check=False)
    assert triggers.returncode != 0 and "TriggerService/ListTriggers is not served" in triggers.stdout + triggers.stderr


def test_connect_replies_and_refusals_have_connects_form(sandbox):
    url = f"{sandbox.http}/flyteidl2.project.ProjectService/ListProjects"
    listed = requests.post(url, json={}, timeout=10)
    assert listed.status_code == 200 and listed.headers["Content-Type"] == "application/json"
    assert any(p["id"] == "flytesnacks" for p in listed.json()["projects"]["projects"])
    # What a cross-site page could send (a "simple" request) is refused, as Connect refuses a codec.
    form = requests.post(url, data="x", headers={"Content-Type": "text/plain"}, timeout=10)
    assert form.status_code == 415 and form.json()["code"] == "invalid_argument"
    # Refusals of the HTTP layer itself (here the Host check) keep Connect's JSON, or the client
    # would read a bare status as another error.
    rebound = requests.post(url, json={}, headers={"Host": "evil.example"}, timeout=10)
    assert rebound.status_code == 403 and rebound.json()["code"] == "permission_denied"
    get = requests.get(url, timeout=10)
    assert get.status_code == 501 and get.json()["code"] == "unimplemented"
