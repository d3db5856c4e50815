"""Low-level protocol tests with grpcio + the flyteidl package's generated stubs, and plain HTTP.

Semantics follow flyteadmin (see shared/design/FLYTE-PROTOCOL.md). One server per module;
every test uses its own entity names.
"""

from __future__ import annotations

import base64
import http.client
import time
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlparse, urlunparse

import grpc
import pytest
import requests
from flyteidl.admin import (
    common_pb2,
    launch_plan_pb2,
    project_pb2,
    task_pb2,
    version_pb2,
    workflow_pb2 as admin_workflow_pb2,
)
from flyteidl.service import admin_pb2_grpc, dataproxy_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from e2e_support import (
    DOMAIN,
    DOMAINS,
    PROJECT,
    RPC_TIMEOUT_S,
    create_task,
    create_workflow,
    launch_plan_id,
    make_launch_plan_spec,
    make_task_template,
    make_workflow_template,
    md5,
    named_entity,
    rpc_error,
    task_id,
    unique,
    workflow_id,
)

T = RPC_TIMEOUT_S


@pytest.fixture(scope="module")
def admin(sandbox):
    return sandbox.admin()


@pytest.fixture(scope="module")
def dataproxy(sandbox):
    return sandbox.dataproxy()


def get_task(admin, ident):
    return admin.GetTask(common_pb2.ObjectGetRequest(id=ident), timeout=T)


# --------------------------------------------------------------------------- version / projects


def test_get_version(admin):
    rsp = admin.GetVersion(version_pb2.GetVersionRequest(), timeout=T)
    assert rsp.control_plane_version.Version, rsp


def test_list_projects_has_flytesnacks_with_three_domains(admin):
    rsp = admin.ListProjects(project_pb2.ProjectListRequest(limit=100), timeout=T)
    projects = {p.id: p for p in rsp.projects}
    assert PROJECT in projects, list(projects)
    assert {d.id for d in projects[PROJECT].domains} == set(DOMAINS)


def test_register_project_then_get(admin):
    pid = unique("proj")
    admin.RegisterProject(
        project_pb2.ProjectRegisterRequest(
            project=project_pb2.Project(id=pid, name=f"{pid} name", description="e2e project")
        ),
        timeout=T,
    )
    got = admin.GetProject(project_pb2.ProjectGetRequest(id=pid), timeout=T)
    assert got.id == pid
    assert got.name == f"{pid} name"
    assert got.description == "e2e project"
    # Domains come from the server's configuration when the request names none.
    assert {d.id for d in got.domains} == set(DOMAINS)

    listed = admin.ListProjects(project_pb2.ProjectListRequest(limit=100), timeout=T)
    assert pid in {p.id for p in listed.projects}

    again = rpc_error(admin.RegisterProject, project_pb2.ProjectRegisterRequest(project=project_pb2.Project(id=pid, name="x")))
    assert again.code() == grpc.StatusCode.ALREADY_EXISTS, again


def test_get_unknown_project_is_not_found(admin):
    err = rpc_error(admin.GetProject, project_pb2.ProjectGetRequest(id=unique("nope")))
    assert err.code() == grpc.StatusCode.NOT_FOUND, err


def test_get_domains(admin):
    rsp = admin.GetDomains(project_pb2.GetDomainRequest(), timeout=T)
    assert [d.id for d in rsp.domains] == list(DOMAINS)
    assert all(d.name for d in rsp.domains)


# --------------------------------------------------------------------------- tasks


def test_create_and_get_task(admin):
    ident = task_id(unique("e2e.task"), "v1")
    template = create_task(admin, ident)
    got = get_task(admin, ident)
    assert got.id == ident
    assert got.closure.compiled_task.template == template
    assert got.closure.created_at.seconds > 0


def test_create_task_twice_is_already_exists(admin):
    ident = task_id(unique("e2e.task"), "v1")
    template = create_task(admin, ident)
    err = rpc_error(admin.CreateTask, task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=template)))
    assert err.code() == grpc.StatusCode.ALREADY_EXISTS, err


def test_create_task_same_id_different_content_is_invalid(admin):
    ident = task_id(unique("e2e.task"), "v1")
    create_task(admin, ident)
    other = make_task_template(ident, image="ghcr.io/example/other:1")
    err = rpc_error(admin.CreateTask, task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=other)))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err
    assert "differ" in err.details().lower(), err.details()
    # The first registration wins.
    assert get_task(admin, ident).closure.compiled_task.template.container.image != "ghcr.io/example/other:1"


def test_create_task_with_resources_that_are_not_quantities_is_invalid(admin):
    """As FlyteAdmin's task validator: a request or limit Kubernetes cannot read is refused, naming the entry."""
    from flyteidl.core import tasks_pb2

    ident = task_id(unique("e2e.task"), "v1")
    template = make_task_template(ident)
    template.container.resources.limits.add(name=tasks_pb2.Resources.MEMORY, value="64MB")
    err = rpc_error(admin.CreateTask, task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=template)))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err
    assert 'container.resources.limits MEMORY: "64MB" is not a quantity' in err.details(), err.details()
    template.container.resources.limits[0].value = "64Mi"
    admin.CreateTask(task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=template)), timeout=T)


def test_get_unknown_task_is_not_found(admin):
    err = rpc_error(admin.GetTask, common_pb2.ObjectGetRequest(id=task_id(unique("e2e.missing"), "v1")))
    assert err.code() == grpc.StatusCode.NOT_FOUND, err


@pytest.fixture(scope="module")
def five_versions(admin):
    """One task name with versions v1..v5, created in that order."""
    name = unique("e2e.paged")
    for i in range(1, 6):
        create_task(admin, task_id(name, f"v{i}"))
        time.sleep(0.01)  # distinct created_at even at millisecond resolution
    return name


def list_tasks(admin, name, **kw):
    return admin.ListTasks(common_pb2.ResourceListRequest(id=named_entity(name), **kw), timeout=T)


def test_list_tasks_pagination(admin, five_versions):
    seen, token, pages = [], "", 0
    while True:
        page = list_tasks(admin, five_versions, limit=2, token=token)
        pages += 1
        assert len(page.tasks) <= 2
        seen += [t.id.version for t in page.tasks]
        token = page.token
        if not token:
            break
        assert pages < 10, "pagination does not terminate"
    assert sorted(seen) == ["v1", "v2", "v3", "v4", "v5"], seen
    assert pages == 3, f"5 items with limit 2 should take 3 pages, took {pages}"
    # Every listed task is complete, not just an id.
    first = list_tasks(admin, five_versions, limit=1).tasks[0]
    assert first.closure.compiled_task.template.id.name == five_versions


@pytest.mark.parametrize(
    "direction,expected",
    [
        (common_pb2.Sort.ASCENDING, ["v1", "v2", "v3", "v4", "v5"]),
        (common_pb2.Sort.DESCENDING, ["v5", "v4", "v3", "v2", "v1"]),
    ],
    ids=["asc", "desc"],
)
def test_list_tasks_sorted_by_created_at(admin, five_versions, direction, expected):
    rsp = list_tasks(admin, five_versions, limit=10, sort_by=common_pb2.Sort(key="created_at", direction=direction))
    assert [t.id.version for t in rsp.tasks] == expected


def test_list_tasks_latest_first_like_flyteremote(admin, five_versions):
    # FlyteRemote.fetch_task(version=None) asks for limit=1 sorted by created_at DESC.
    rsp = list_tasks(admin, five_versions, limit=1, sort_by=common_pb2.Sort(key="created_at", direction=common_pb2.Sort.DESCENDING))
    assert [t.id.version for t in rsp.tasks] == ["v5"]


def test_list_tasks_filter_eq_version(admin, five_versions):
    rsp = list_tasks(admin, five_versions, limit=10, filters="eq(version,v3)")
    assert [t.id.version for t in rsp.tasks] == ["v3"]


@pytest.mark.parametrize("bad_filter", ["eq(version", "frobnicate(version,v3)", "eq(no_such_column,v3)"])
def test_list_tasks_bad_filter_is_invalid(admin, five_versions, bad_filter):
    err = rpc_error(admin.ListTasks, common_pb2.ResourceListRequest(id=named_entity(five_versions), limit=10, filters=bad_filter))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err


# --------------------------------------------------------------------------- workflows


def test_create_and_get_workflow_is_compiled(admin):
    t_ident = task_id(unique("e2e.wftask"), "v1")
    task_template = create_task(admin, t_ident)
    wf_ident = workflow_id(unique("e2e.wf"), "v1")
    create_workflow(admin, wf_ident, t_ident, node_id="n0")

    got = admin.GetWorkflow(common_pb2.ObjectGetRequest(id=wf_ident), timeout=T)
    assert got.id == wf_ident
    compiled = got.closure.compiled_workflow
    primary = compiled.primary
    assert primary.template.id == wf_ident
    nodes = {n.id: n for n in primary.template.nodes}
    assert {"start-node", "end-node", "n0"} <= set(nodes), list(nodes)
    assert nodes["n0"].task_node.reference_id == t_ident
    assert list(primary.template.interface.inputs.variables) == ["x"]

    conns = primary.connections
    assert "n0" in conns.downstream["start-node"].ids
    assert "end-node" in conns.downstream["n0"].ids
    assert "start-node" in conns.upstream["n0"].ids
    assert "n0" in conns.upstream["end-node"].ids

    # The closure carries the tasks the workflow uses.
    assert [t.template for t in compiled.tasks] == [task_template]

    again = rpc_error(
        admin.CreateWorkflow,
        admin_workflow_pb2.WorkflowCreateRequest(
            id=wf_ident, spec=admin_workflow_pb2.WorkflowSpec(template=make_workflow_template(wf_ident, t_ident, "n0"))
        ),
    )
    assert again.code() == grpc.StatusCode.ALREADY_EXISTS, again


def test_create_workflow_over_unknown_task_is_invalid(admin):
    missing = task_id(unique("e2e.never"), "v1")
    wf_ident = workflow_id(unique("e2e.wf"), "v1")
    err = rpc_error(
        admin.CreateWorkflow,
        admin_workflow_pb2.WorkflowCreateRequest(
            id=wf_ident,
            spec=admin_workflow_pb2.WorkflowSpec(template=make_workflow_template(wf_ident, missing, node_id="lonely-node")),
        ),
    )
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err
    assert "lonely-node" in err.details(), err.details()
    assert rpc_error(admin.GetWorkflow, common_pb2.ObjectGetRequest(id=wf_ident)).code() == grpc.StatusCode.NOT_FOUND


# --------------------------------------------------------------------------- launch plans


@pytest.fixture
def workflow_for_lp(admin):
    t_ident = task_id(unique("e2e.lptask"), "v1")
    create_task(admin, t_ident)
    wf_ident = workflow_id(unique("e2e.lpwf"), "v1")
    create_workflow(admin, wf_ident, t_ident)
    return wf_ident


def test_launch_plan_lifecycle(admin, workflow_for_lp):
    wf_ident = workflow_for_lp
    name = unique("e2e.lp")
    lp1, lp2 = launch_plan_id(name, "v1"), launch_plan_id(name, "v2")
    for ident in (lp1, lp2):
        admin.CreateLaunchPlan(
            launch_plan_pb2.LaunchPlanCreateRequest(id=ident, spec=make_launch_plan_spec(wf_ident, default_x=3)), timeout=T
        )
    again = rpc_error(
        admin.CreateLaunchPlan, launch_plan_pb2.LaunchPlanCreateRequest(id=lp1, spec=make_launch_plan_spec(wf_ident, default_x=3))
    )
    assert again.code() == grpc.StatusCode.ALREADY_EXISTS, again
    differs = rpc_error(
        admin.CreateLaunchPlan, launch_plan_pb2.LaunchPlanCreateRequest(id=lp1, spec=make_launch_plan_spec(wf_ident, default_x=4))
    )
    assert differs.code() == grpc.StatusCode.INVALID_ARGUMENT, differs

    got = admin.GetLaunchPlan(common_pb2.ObjectGetRequest(id=lp1), timeout=T)
    assert got.id == lp1
    assert got.spec.workflow_id == wf_ident
    assert got.spec.default_inputs.parameters["x"].default.scalar.primitive.integer == 3
    assert got.closure.state == launch_plan_pb2.INACTIVE
    assert "x" in got.closure.expected_inputs.parameters
    assert "o0" in got.closure.expected_outputs.variables

    # No active version yet.
    none_active = rpc_error(admin.GetActiveLaunchPlan, launch_plan_pb2.ActiveLaunchPlanRequest(id=named_entity(name)))
    assert none_active.code() == grpc.StatusCode.NOT_FOUND, none_active

    admin.UpdateLaunchPlan(launch_plan_pb2.LaunchPlanUpdateRequest(id=lp1, state=launch_plan_pb2.ACTIVE), timeout=T)
    active = admin.GetActiveLaunchPlan(launch_plan_pb2.ActiveLaunchPlanRequest(id=named_entity(name)), timeout=T)
    assert active.id == lp1
    assert active.closure.state == launch_plan_pb2.ACTIVE

    listed = admin.ListActiveLaunchPlans(
        launch_plan_pb2.ActiveLaunchPlanListRequest(project=PROJECT, domain=DOMAIN, limit=100), timeout=T
    )
    assert lp1 in [lp.id for lp in listed.launch_plans]

    # Only one version of a name is active: activating v2 deactivates v1.
    admin.UpdateLaunchPlan(launch_plan_pb2.LaunchPlanUpdateRequest(id=lp2, state=launch_plan_pb2.ACTIVE), timeout=T)
    active = admin.GetActiveLaunchPlan(launch_plan_pb2.ActiveLaunchPlanRequest(id=named_entity(name)), timeout=T)
    assert active.id == lp2
    assert admin.GetLaunchPlan(common_pb2.ObjectGetRequest(id=lp1), timeout=T).closure.state == launch_plan_pb2.INACTIVE
    listed = admin.ListActiveLaunchPlans(
        launch_plan_pb2.ActiveLaunchPlanListRequest(project=PROJECT, domain=DOMAIN, limit=100), timeout=T
    )
    ids = [lp.id for lp in listed.launch_plans]
    assert lp2 in ids and lp1 not in ids


def test_launch_plan_over_unknown_workflow_is_rejected(admin):
    err = rpc_error(
        admin.CreateLaunchPlan,
        launch_plan_pb2.LaunchPlanCreateRequest(
            id=launch_plan_id(unique("e2e.lp"), "v1"),
            spec=make_launch_plan_spec(workflow_id(unique("e2e.nowf"), "v1")),
        ),
    )
    assert err.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND), err


# --------------------------------------------------------------------------- data proxy


def native_path(native_url: str) -> Path:
    parsed = urlparse(native_url)
    assert parsed.scheme in ("file", ""), f"expected a local file:// native_url, got {native_url}"
    return Path(unquote(parsed.path))


def upload_location(dataproxy, data: bytes, filename: str):
    return dataproxy.CreateUploadLocation(
        dataproxy_pb2.CreateUploadLocationRequest(
            project=PROJECT, domain=DOMAIN, filename=filename, content_md5=md5(data), add_content_md5_metadata=True
        ),
        timeout=T,
    )


def put(loc, data: bytes, content_md5: bytes, with_server_headers: bool = True):
    """PUT as flytekit's FlyteRemote.upload_file does: its own headers, then the server's on top."""
    headers = {"Content-Length": str(len(data)), "Content-MD5": base64.b64encode(content_md5)}
    if with_server_headers:
        headers.update(loc.headers)
    return requests.put(loc.signed_url, data=data, headers=headers, timeout=T)


def test_upload_location_and_put(dataproxy, sandbox):
    data = b"hello flyte " + unique("payload").encode()
    filename = unique("upload") + ".txt"
    loc = upload_location(dataproxy, data, filename)
    assert loc.signed_url.startswith("http://"), loc.signed_url
    assert loc.native_url, loc
    assert loc.native_url.endswith(filename), loc.native_url
    path = native_path(loc.native_url)
    assert path.resolve().is_relative_to(sandbox.state_dir.resolve()), path

    # Wrong bytes for the md5 the URL was signed for, and a wrong Content-MD5 header: rejected.
    other = b"something else entirely"
    rsp = put(loc, other, md5(other))
    assert 400 <= rsp.status_code < 500, (rsp.status_code, rsp.text)
    # The server's own Content-MD5 header would replace a wrong one, so send ours alone.
    rsp = put(loc, data, md5(b"not the data"), with_server_headers=False)
    assert 400 <= rsp.status_code < 500, (rsp.status_code, rsp.text)
    assert not path.exists() or path.read_bytes() != other

    rsp = put(loc, data, md5(data))
    assert rsp.status_code == 200, (rsp.status_code, rsp.text)  # flytectl accepts 200 only
    assert path.read_bytes() == data

    # Re-uploading identical content is fine: `pyflyte register` of unchanged code does exactly that.
    again = upload_location(dataproxy, data, filename)
    assert again.native_url == loc.native_url
    rsp = put(again, data, md5(data))
    assert rsp.status_code == 200, (rsp.status_code, rsp.text)
    assert path.read_bytes() == data


def test_upload_location_requires_md5_or_root(dataproxy):
    err = rpc_error(
        dataproxy.CreateUploadLocation,
        dataproxy_pb2.CreateUploadLocationRequest(project=PROJECT, domain=DOMAIN, filename="x.txt"),
    )
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err


def test_upload_location_needs_a_registered_project_and_domain(dataproxy, sandbox):
    data = b"nowhere"
    for project, domain, named in (("nosuchproject", DOMAIN, "nosuchproject"), (PROJECT, "nosuchdomain", "nosuchdomain")):
        err = rpc_error(
            dataproxy.CreateUploadLocation,
            dataproxy_pb2.CreateUploadLocationRequest(project=project, domain=domain, filename="x.txt", content_md5=md5(data)),
        )
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err
        assert named in err.details(), err.details()
    assert not list((sandbox.state_dir).rglob("nosuchproject"))


def test_put_with_junk_after_the_expiry_is_forbidden(dataproxy):
    data = b"expiry junk"
    loc = upload_location(dataproxy, data, unique("junk") + ".txt")
    parsed = urlparse(loc.signed_url)
    query = [(k, v + "junk" if k == "expires" else v) for k, v in parse_qsl(parsed.query, keep_blank_values=True)]
    assert any(k == "expires" for k, _ in query), loc.signed_url
    respelled = urlunparse(parsed._replace(query=urlencode(query)))
    headers = {"Content-MD5": base64.b64encode(md5(data)), **loc.headers}
    rsp = requests.put(respelled, data=data, headers=headers, timeout=T)
    assert rsp.status_code == 403, (rsp.status_code, rsp.text)
    assert not native_path(loc.native_url).exists()


def _tamper(url: str) -> str:
    """Flips one character of the signature: a query parameter whose name contains 'sig',
    else the last character of the URL."""
    parsed = urlparse(url)
    query = parse_qsl(parsed.query, keep_blank_values=True)
    for i, (k, v) in enumerate(query):
        if "sig" in k.lower() and v:
            v = v[:-1] + ("A" if v[-1] != "A" else "B")
            query[i] = (k, v)
            return urlunparse(parsed._replace(query=urlencode(query)))
    return url[:-1] + ("A" if url[-1] != "A" else "B")


def test_put_with_tampered_signature_is_forbidden(dataproxy):
    data = b"tamper me"
    loc = upload_location(dataproxy, data, unique("tamper") + ".txt")
    tampered = _tamper(loc.signed_url)
    assert tampered != loc.signed_url
    headers = {"Content-MD5": base64.b64encode(md5(data)), **loc.headers}
    rsp = requests.put(tampered, data=data, headers=headers, timeout=T)
    assert rsp.status_code == 403, (rsp.status_code, rsp.text)
    assert not native_path(loc.native_url).exists()


def test_put_signature_does_not_cover_another_key(dataproxy):
    data = b"moved key"
    filename = unique("moved") + ".txt"
    loc = upload_location(dataproxy, data, filename)
    parsed = urlparse(loc.signed_url)
    assert filename in parsed.path, loc.signed_url
    moved = urlunparse(parsed._replace(path=parsed.path.replace(filename, "elsewhere-" + filename)))
    headers = {"Content-MD5": base64.b64encode(md5(data)), **loc.headers}
    rsp = requests.put(moved, data=data, headers=headers, timeout=T)
    assert rsp.status_code == 403, (rsp.status_code, rsp.text)


def test_put_with_dotdot_key_is_rejected(dataproxy, sandbox):
    data = b"escape attempt"
    filename = unique("dots") + ".txt"
    loc = upload_location(dataproxy, data, filename)
    parsed = urlparse(loc.signed_url)
    assert filename in parsed.path, f"expected the object key in the URL path: {loc.signed_url}"
    evil_path = parsed.path.replace(filename, f"../../../../{filename}")
    target = f"{evil_path}?{parsed.query}" if parsed.query else evil_path
    # http.client sends the path verbatim (requests/urllib3 might normalise the dots away).
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=T)
    try:
        conn.request("PUT", target, body=data, headers={"Content-MD5": base64.b64encode(md5(data)).decode(), **loc.headers})
        status = conn.getresponse().status
    finally:
        conn.close()
    assert 400 <= status < 500, status
    escaped = list(sandbox.state_dir.parent.rglob(filename))
    assert not escaped, escaped


def test_upload_location_filename_with_dotdot(dataproxy, sandbox):
    data = b"dotdot filename"
    name = unique("evil")
    try:
        loc = dataproxy.CreateUploadLocation(
            dataproxy_pb2.CreateUploadLocationRequest(
                project=PROJECT, domain=DOMAIN, filename=f"../../../{name}.txt", content_md5=md5(data)
            ),
            timeout=T,
        )
    except grpc.RpcError as err:
        assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err
        return
    # If accepted, the object must still land inside the state dir.
    rsp = put(loc, data, md5(data))
    assert rsp.status_code == 200 or 400 <= rsp.status_code < 500, rsp.status_code
    state = sandbox.state_dir.resolve()
    if rsp.status_code == 200:
        assert native_path(loc.native_url).resolve().is_relative_to(state), loc.native_url
    everywhere = sandbox.state_dir.parent.parent  # all of this test session's temp dirs
    outside = [p for p in everywhere.rglob(f"{name}.txt") if not p.resolve().is_relative_to(state)]
    assert not outside, outside


# --------------------------------------------------------------------------- HTTP JSON gateway


def test_http_list_projects(sandbox):
    rsp = requests.get(f"{sandbox.http}/api/v1/projects", timeout=T)
    assert rsp.status_code == 200, rsp.text
    assert rsp.headers["Content-Type"].startswith("application/json")
    body = rsp.json()
    assert PROJECT in [p["id"] for p in body["projects"]], body


def test_http_get_task(sandbox, admin):
    name = unique("e2e.http")
    ident = task_id(name, "v1")
    create_task(admin, ident)
    rsp = requests.get(f"{sandbox.http}/api/v1/tasks/{PROJECT}/{DOMAIN}/{name}/v1", timeout=T)
    assert rsp.status_code == 200, rsp.text
    body = rsp.json()
    # grpc-gateway JSON: proto field names (snake_case).
    assert body["id"]["name"] == name
    assert body["id"]["version"] == "v1"
    template = body["closure"]["compiled_task"]["template"]
    assert template["type"] == "python-task"
    assert template["container"]["args"][0] == "pyflyte-execute"


def test_http_unknown_task_is_404_json(sandbox):
    rsp = requests.get(f"{sandbox.http}/api/v1/tasks/{PROJECT}/{DOMAIN}/{unique('nope')}/v1", timeout=T)
    assert rsp.status_code == 404, rsp.text
    body = rsp.json()
    assert body.get("code") == grpc.StatusCode.NOT_FOUND.value[0], body
    assert body.get("message"), body


def test_http_register_project(sandbox, admin):
    pid = unique("httpproj")
    rsp = requests.post(
        f"{sandbox.http}/api/v1/projects",
        json={"project": {"id": pid, "name": "via http", "description": "gateway"}},
        timeout=T,
    )
    assert rsp.status_code == 200, rsp.text
    got = admin.GetProject(project_pb2.ProjectGetRequest(id=pid), timeout=T)
    assert got.name == "via http"
    rsp = requests.get(f"{sandbox.http}/api/v1/projects/{pid}", timeout=T)
    assert rsp.status_code == 200, rsp.text
    assert rsp.json()["id"] == pid


def test_http_binary_protobuf_like_flyteconsole(sandbox):
    """FlyteConsole talks to the gateway in binary protobuf (application/octet-stream)."""
    rsp = requests.get(
        f"{sandbox.http}/api/v1/projects", headers={"Accept": "application/octet-stream"}, timeout=T
    )
    assert rsp.status_code == 200, rsp.text
    assert rsp.headers["Content-Type"] == "application/octet-stream"
    projects = project_pb2.Projects.FromString(rsp.content)
    assert PROJECT in [p.id for p in projects.projects]

    pid = unique("binproj")
    body = project_pb2.ProjectRegisterRequest(project=project_pb2.Project(id=pid, name="binary")).SerializeToString()
    rsp = requests.post(
        f"{sandbox.http}/api/v1/projects",
        data=body,
        headers={"Content-Type": "application/octet-stream", "Accept": "application/octet-stream"},
        timeout=T,
    )
    assert rsp.status_code == 200, rsp.text
    rsp = requests.get(f"{sandbox.http}/api/v1/projects/{pid}", timeout=T)
    assert rsp.json()["name"] == "binary"


def test_http_list_with_query_parameters(sandbox, admin, five_versions):
    name = five_versions
    rsp = requests.get(
        f"{sandbox.http}/api/v1/tasks/{PROJECT}/{DOMAIN}/{name}",
        params={"limit": 2, "sort_by.key": "created_at", "sort_by.direction": "ASCENDING"},
        timeout=T,
    )
    assert rsp.status_code == 200, rsp.text
    body = rsp.json()
    assert [t["id"]["version"] for t in body["tasks"]] == ["v1", "v2"], body
    assert body["token"] == "2"
    rsp = requests.get(
        f"{sandbox.http}/api/v1/tasks/{PROJECT}/{DOMAIN}/{name}", params={"filters": "eq(version"}, timeout=T
    )
    assert rsp.status_code == 400, rsp.text
    assert rsp.json()["code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0]


def test_http_invalid_utf8_in_query_or_path_is_400(sandbox):
    for target in (
        f"/api/v1/tasks/{PROJECT}/{DOMAIN}/n?filters=%ff%fe",
        f"/api/v1/tasks/{PROJECT}/%c3%28/n",
        f"/api/v1/tasks/{PROJECT}/{DOMAIN}/n?%ff=1",
    ):
        rsp = requests.get(f"{sandbox.http}{target}", timeout=T)
        assert rsp.status_code == 400, (target, rsp.status_code, rsp.text)
        assert rsp.json()["code"] == grpc.StatusCode.INVALID_ARGUMENT.value[0], rsp.text


def test_errors_echo_little_of_the_request(sandbox, admin):
    huge = "x" * (1 << 20)
    replies = [
        requests.post(f"{sandbox.http}/api/v1/projects", json={"project": {"id": huge, "name": "n"}}, timeout=T),
        requests.get(f"{sandbox.http}/api/v1/tasks/{PROJECT}/{DOMAIN}/n", params={"limit": "z" * 6000}, timeout=T),
        requests.get(f"{sandbox.http}/api/v1/tasks/{PROJECT}/{DOMAIN}/" + "y" * 6000 + "/v1", timeout=T),
        requests.post(f"{sandbox.http}/api/v1/projects", json={"project": {"id": "a"}, "z" * 6000: 1}, timeout=T),
    ]
    for rsp in replies:
        assert 400 <= rsp.status_code < 500, rsp.status_code
        assert len(rsp.content) <= 1200, (rsp.status_code, len(rsp.content), rsp.text[:300])
        assert "…" in rsp.json()["message"], rsp.text
    assert "use at most" in replies[0].json()["message"]  # the explanation after the quoted id survives
    err = rpc_error(admin.RegisterProject, project_pb2.ProjectRegisterRequest(project=project_pb2.Project(id=huge, name="n")))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, err
    assert len(err.details().encode()) <= 1100, len(err.details())


def test_http_get_version(sandbox):
    rsp = requests.get(f"{sandbox.http}/api/v1/version", timeout=T)
    assert rsp.status_code == 200, rsp.text
    assert rsp.json()["control_plane_version"]["Version"]


# --------------------------------------------------------------------------- standard gRPC services


def test_grpc_health_serving(sandbox):
    stub = health_pb2_grpc.HealthStub(sandbox.channel())
    rsp = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=T)
    assert rsp.status == health_pb2.HealthCheckResponse.SERVING


def test_server_reflection_lists_services(sandbox):
    stub = reflection_pb2_grpc.ServerReflectionStub(sandbox.channel())
    responses = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=T)
    services = {s.name for r in responses for s in r.list_services_response.service}
    assert "flyteidl.service.AdminService" in services, services
    assert "flyteidl.service.DataProxyService" in services, services


# --------------------------------------------------------------------------- never UNKNOWN


@pytest.mark.parametrize(
    "method,request_",
    [
        ("CreateTask", task_pb2.TaskCreateRequest()),
        ("CreateTask", task_pb2.TaskCreateRequest(id=task_id("", ""), spec=task_pb2.TaskSpec())),
        ("CreateTask", task_pb2.TaskCreateRequest(id=task_id("e2e.no-template", "v1"))),
        ("GetTask", common_pb2.ObjectGetRequest()),
        ("CreateWorkflow", admin_workflow_pb2.WorkflowCreateRequest()),
        ("CreateLaunchPlan", launch_plan_pb2.LaunchPlanCreateRequest()),
        ("ListTasks", common_pb2.ResourceListRequest(limit=10)),
        ("RegisterProject", project_pb2.ProjectRegisterRequest()),
    ],
    ids=[
        "create-task-empty",
        "create-task-empty-id",
        "create-task-no-template",
        "get-task-empty-id",
        "create-workflow-empty",
        "create-launch-plan-empty",
        "list-tasks-no-project",
        "register-project-empty",
    ],
)
def test_malformed_requests_are_invalid_argument(admin, method, request_):
    err = rpc_error(getattr(admin, method), request_)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT, (err.code(), err.details())
    assert err.details(), "INVALID_ARGUMENT without a message"


def test_unparseable_request_is_not_unknown(sandbox):
    call = sandbox.channel().unary_unary(
        "/flyteidl.service.AdminService/CreateTask",
        request_serializer=lambda b: b,
        response_deserializer=lambda b: b,
    )
    with pytest.raises(grpc.RpcError) as excinfo:
        call(b"\xff\xff\xff\xff\x0f", timeout=T)
    assert excinfo.value.code() not in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.UNAUTHENTICATED), excinfo.value


def test_keepalive_pings_are_accepted(sandbox):
    """flytekit pings idle connections; the server must not answer with GOAWAY (too_many_pings)."""
    options = [
        ("grpc.keepalive_time_ms", 200),
        ("grpc.keepalive_timeout_ms", 1000),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
    ]
    states = []
    with grpc.insecure_channel(f"127.0.0.1:{sandbox.port}", options=options) as channel:
        stub = admin_pb2_grpc.AdminServiceStub(channel)
        stub.GetVersion(version_pb2.GetVersionRequest(), timeout=T)
        channel.subscribe(states.append, try_to_connect=False)
        time.sleep(2.5)  # about a dozen pings on an idle connection
        stub.GetVersion(version_pb2.GetVersionRequest(), timeout=T)
        channel.unsubscribe(states.append)
    # A GOAWAY would have dropped the connection: the channel leaves READY.
    assert states and all(state == grpc.ChannelConnectivity.READY for state in states), states


@pytest.mark.parametrize(
    "url, code",
    [
        ("s3://bucket/key", grpc.StatusCode.INVALID_ARGUMENT),
        ("flyte://v1/flytesnacks/development/nope/n0/x", grpc.StatusCode.INVALID_ARGUMENT),
        ("flyte://v1/flytesnacks/development/no-such-execution/n0/o", grpc.StatusCode.NOT_FOUND),
    ],
)
def test_get_data_rejects_bad_and_unknown_urls(dataproxy, url, code):
    err = rpc_error(dataproxy.GetData, dataproxy_pb2.GetDataRequest(flyte_url=url))
    assert err.code() == code, err


# --------------------------------------------------------------------------- metadata and attributes


def test_matchable_attributes_lifecycle(admin):
    from flyteidl.admin import matchable_resource_pb2, project_domain_attributes_pb2 as pda

    attributes = matchable_resource_pb2.MatchingAttributes(
        task_resource_attributes=matchable_resource_pb2.TaskResourceAttributes(
            defaults=matchable_resource_pb2.TaskResourceSpec(cpu="1", memory="1Gi")))
    admin.UpdateProjectDomainAttributes(
        pda.ProjectDomainAttributesUpdateRequest(
            attributes=pda.ProjectDomainAttributes(project=PROJECT, domain=DOMAIN, matching_attributes=attributes)),
        timeout=T)
    got = admin.GetProjectDomainAttributes(
        pda.ProjectDomainAttributesGetRequest(project=PROJECT, domain=DOMAIN,
                                              resource_type=matchable_resource_pb2.TASK_RESOURCE), timeout=T)
    assert got.attributes.matching_attributes.task_resource_attributes.defaults.memory == "1Gi"
    listed = admin.ListMatchableAttributes(
        matchable_resource_pb2.ListMatchableAttributesRequest(resource_type=matchable_resource_pb2.TASK_RESOURCE),
        timeout=T)
    assert [(c.project, c.domain) for c in listed.configurations] == [(PROJECT, DOMAIN)]
    admin.DeleteProjectDomainAttributes(
        pda.ProjectDomainAttributesDeleteRequest(project=PROJECT, domain=DOMAIN,
                                                 resource_type=matchable_resource_pb2.TASK_RESOURCE), timeout=T)
    err = rpc_error(admin.GetProjectDomainAttributes, pda.ProjectDomainAttributesGetRequest(
        project=PROJECT, domain=DOMAIN, resource_type=matchable_resource_pb2.TASK_RESOURCE))
    assert err.code() == grpc.StatusCode.NOT_FOUND
    err = rpc_error(admin.UpdateProjectDomainAttributes, pda.ProjectDomainAttributesUpdateRequest(
        attributes=pda.ProjectDomainAttributes(project="no-such-project", domain=DOMAIN, matching_attributes=attributes)))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_named_entities_and_descriptions(admin):
    from flyteidl.admin import description_entity_pb2
    from flyteidl.core import identifier_pb2

    name = unique("e2e.described")
    ident = task_id(name, "v1")
    template = make_task_template(ident)
    description = description_entity_pb2.DescriptionEntity(
        short_description="adds one",
        long_description=description_entity_pb2.Description(value="Adds one to x."))
    admin.CreateTask(task_pb2.TaskCreateRequest(id=ident, spec=task_pb2.TaskSpec(template=template, description=description)),
                     timeout=T)
    assert get_task(admin, ident).short_description == "adds one"
    got = admin.GetDescriptionEntity(common_pb2.ObjectGetRequest(id=ident), timeout=T)
    assert got.long_description.value == "Adds one to x."
    listed = admin.ListDescriptionEntities(
        description_entity_pb2.DescriptionEntityListRequest(resource_type=identifier_pb2.TASK, id=named_entity(name),
                                                            limit=10), timeout=T)
    assert [d.short_description for d in listed.descriptionEntities] == ["adds one"]

    entity_id = named_entity(name)
    admin.UpdateNamedEntity(common_pb2.NamedEntityUpdateRequest(
        resource_type=identifier_pb2.TASK, id=entity_id,
        metadata=common_pb2.NamedEntityMetadata(description="archived", state=common_pb2.NAMED_ENTITY_ARCHIVED)),
        timeout=T)
    got = admin.GetNamedEntity(common_pb2.NamedEntityGetRequest(resource_type=identifier_pb2.TASK, id=entity_id), timeout=T)
    assert got.metadata.state == common_pb2.NAMED_ENTITY_ARCHIVED and got.metadata.description == "archived"
    active = admin.ListNamedEntities(common_pb2.NamedEntityListRequest(
        resource_type=identifier_pb2.TASK, project=PROJECT, domain=DOMAIN, limit=1000,
        filters="eq(state,0)"), timeout=T)
    assert name not in [e.id.name for e in active.entities]
    ids = admin.ListTaskIds(common_pb2.NamedEntityIdentifierListRequest(project=PROJECT, domain=DOMAIN, limit=1000),
                            timeout=T)
    assert name in [e.name for e in ids.entities]
    err = rpc_error(admin.GetNamedEntity, common_pb2.NamedEntityGetRequest(
        resource_type=identifier_pb2.TASK, id=named_entity(unique("never"))))
    assert err.code() == grpc.StatusCode.NOT_FOUND


def test_update_project(admin):
    pid = unique("upd")
    admin.RegisterProject(project_pb2.ProjectRegisterRequest(project=project_pb2.Project(id=pid, name="before")), timeout=T)
    admin.UpdateProject(project_pb2.Project(id=pid, name="after", description="changed"), timeout=T)
    got = admin.GetProject(project_pb2.ProjectGetRequest(id=pid), timeout=T)
    assert (got.name, got.description) == ("after", "changed")
    admin.UpdateProject(project_pb2.Project(id=pid, name="after", state=project_pb2.Project.ARCHIVED), timeout=T)
    listed = admin.ListProjects(project_pb2.ProjectListRequest(limit=1000), timeout=T)
    assert pid not in [p.id for p in listed.projects]  # archived projects are hidden by default
    err = rpc_error(admin.UpdateProject, project_pb2.Project(id=unique("missing"), name="x"))
    assert err.code() == grpc.StatusCode.NOT_FOUND


def test_download_location_and_expiry(dataproxy):
    from google.protobuf.duration_pb2 import Duration

    data = b"download me " + unique("d").encode()
    loc = upload_location(dataproxy, data, unique("dl") + ".bin")
    assert put(loc, data, md5(data)).status_code == 200
    link = dataproxy.CreateDownloadLocation(dataproxy_pb2.CreateDownloadLocationRequest(native_url=loc.native_url),
                                            timeout=T)
    got = requests.get(link.signed_url, timeout=T)
    assert got.status_code == 200 and got.content == data
    short = dataproxy.CreateDownloadLocation(
        dataproxy_pb2.CreateDownloadLocationRequest(native_url=loc.native_url, expires_in=Duration(seconds=1)), timeout=T)
    time.sleep(2.1)
    expired = requests.get(short.signed_url, timeout=T)
    assert expired.status_code == 403, expired.text
    assert "expired" in expired.json()["message"]
    err = rpc_error(dataproxy.CreateDownloadLocation,
                    dataproxy_pb2.CreateDownloadLocationRequest(native_url="/etc/passwd"))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
