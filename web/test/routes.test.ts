import assert from "node:assert/strict";
import { test } from "node:test";

import { parseRoute, routeHref, type Route } from "../src/routes";

test("the URL pyflyte prints opens the execution", () => {
  assert.deepEqual(parseRoute("/console/projects/flytesnacks/domains/development/executions/a1b2c3"), {
    page: "execution",
    project: "flytesnacks",
    domain: "development",
    name: "a1b2c3",
  });
});

test("landing, select-project and the executions list", () => {
  assert.deepEqual(parseRoute("/console"), { page: "projects" });
  assert.deepEqual(parseRoute("/console/"), { page: "projects" });
  assert.deepEqual(parseRoute("/console/select-project"), { page: "projects" });
  const list = { page: "executions", project: "p", domain: "staging" };
  assert.deepEqual(parseRoute("/console/projects/p/domains/staging/executions"), list);
  assert.deepEqual(parseRoute("/console/projects/p/domains/staging"), list);
});

test("FlyteConsole's legacy project URLs", () => {
  assert.deepEqual(parseRoute("/console/projects/p/executions", "?domain=production"), {
    page: "executions",
    project: "p",
    domain: "production",
  });
  assert.deepEqual(parseRoute("/console/projects/p"), { page: "executions", project: "p", domain: "development" });
});

test("task-level URLs below an execution open the execution with that node's panel", () => {
  const route = parseRoute("/console/projects/p/domains/d/executions/x/nodeId/n0/taskId/t/attempt/1/view/logs");
  assert.deepEqual(route, { page: "execution", project: "p", domain: "d", name: "x", node: "n0", attempt: 1 });
  assert.deepEqual(parseRoute("/console/projects/p/domains/d/executions/x/extra"), {
    page: "execution",
    project: "p",
    domain: "d",
    name: "x",
  });
});

test("the node side panel is in the query: node and attempt", () => {
  const base = "/console/projects/p/domains/d/executions/x";
  assert.deepEqual(parseRoute(base, "?node=n1&attempt=2"), {
    page: "execution",
    project: "p",
    domain: "d",
    name: "x",
    node: "n1",
    attempt: 2,
  });
  const plain = { page: "execution", project: "p", domain: "d", name: "x" };
  assert.deepEqual(parseRoute(base, "?attempt=2"), plain); // an attempt without a node means nothing
  assert.deepEqual(parseRoute(base, "?node=n1&attempt=x"), { ...plain, node: "n1" });
});

test("the execution's tab is in the query beside the panel; Nodes, the default, is left out", () => {
  const base = "/console/projects/p/domains/d/executions/x";
  const plain = { page: "execution", project: "p", domain: "d", name: "x" } as const;
  assert.deepEqual(parseRoute(base, "?tab=graph&node=n0-0-n1"), { ...plain, tab: "graph", node: "n0-0-n1" });
  assert.deepEqual(parseRoute(base, "?tab=timeline"), { ...plain, tab: "timeline" });
  assert.deepEqual(parseRoute(base, "?tab=nodes"), plain);
  assert.deepEqual(parseRoute(base, "?tab=nope"), plain);
  assert.equal(routeHref({ ...plain, tab: "graph", node: "n2" }), `${base}?tab=graph&node=n2`);
  assert.equal(routeHref({ ...plain, tab: "nodes", node: "n2" }), `${base}?node=n2`);
});

test("anything else is not found, including paths outside /console and bad escapes", () => {
  for (const path of ["/consolex", "/console/workflows", "/console/projects/p/domains/d/what", "/console/%E0%A4%A"]) {
    assert.equal(parseRoute(path).page, "notFound", path);
  }
});

test("routeHref and parseRoute are inverses, escapes included", () => {
  const routes: Route[] = [
    { page: "projects" },
    { page: "executions", project: "my proj", domain: "development" },
    { page: "execution", project: "p", domain: "d", name: "n/1?" },
    { page: "execution", project: "p", domain: "d", name: "x", node: "n0-0-dn1&?" },
    { page: "execution", project: "p", domain: "d", name: "x", node: "n0", attempt: 0 },
    { page: "execution", project: "p", domain: "d", name: "x", tab: "graph", node: "n0", attempt: 1 },
  ];
  for (const route of routes) {
    const url = new URL(routeHref(route), "http://localhost");
    assert.deepEqual(parseRoute(url.pathname, url.search), route);
  }
});

test("workflows, tasks and launch plans: lists, all versions, one version (FlyteConsole's paths)", () => {
  const at = { project: "p", domain: "d" };
  assert.deepEqual(parseRoute("/console/projects/p/domains/d/workflows"), { page: "entities", kind: "workflow", ...at });
  assert.deepEqual(parseRoute("/console/projects/p/domains/d/tasks"), { page: "entities", kind: "task", ...at });
  assert.deepEqual(parseRoute("/console/projects/p/domains/d/launchPlans"), {
    page: "entities",
    kind: "launch_plan",
    ...at,
  });
  assert.deepEqual(parseRoute("/console/projects/p/domains/d/launchPlans/app.wf"), {
    page: "entity",
    kind: "launch_plan",
    ...at,
    name: "app.wf",
  });
  // flytekit's generate_console_url prints the singular form with a version.
  assert.deepEqual(parseRoute("/console/projects/p/domains/d/workflow/app.wf/version/v1"), {
    page: "entity",
    kind: "workflow",
    ...at,
    name: "app.wf",
    version: "v1",
  });
  assert.deepEqual(parseRoute("/console/projects/p/domains/d/launch_plan/app.wf/version/abc%2F1"), {
    page: "entity",
    kind: "launch_plan",
    ...at,
    name: "app.wf",
    version: "abc/1",
  });
  for (const path of [
    "/console/projects/p/domains/d/workflow/app.wf",
    "/console/projects/p/domains/d/constructor/x/version/v",
    "/console/projects/p/domains/d/workflows/a/b",
  ]) {
    assert.equal(parseRoute(path).page, "notFound", path);
  }
  const routes: Route[] = [
    { page: "entities", kind: "task", ...at },
    { page: "entity", kind: "workflow", ...at, name: "a b" },
    { page: "entity", kind: "task", ...at, name: "t", version: "v/1 2" },
  ];
  for (const route of routes) {
    const url = new URL(routeHref(route), "http://localhost");
    assert.deepEqual(parseRoute(url.pathname, url.search), route);
  }
});

test("the run URL `flyte run` prints (redirected under /console) opens the run, ?action= its panel", () => {
  assert.deepEqual(parseRoute("/console/v2/domain/development/project/flytesnacks/runs/rabc123"), {
    page: "run",
    project: "flytesnacks",
    domain: "development",
    name: "rabc123",
  });
  assert.deepEqual(parseRoute("/console/v2/domain/d/project/p/runs/r1", "?action=a1"), {
    page: "run",
    project: "p",
    domain: "d",
    name: "r1",
    action: "a1",
  });
  assert.deepEqual(parseRoute("/console/v2/domain/d/project/p/runs"), { page: "runs", project: "p", domain: "d" });
  for (const path of ["/console/v2", "/console/v2/domain/d/project/p/runs/r/x", "/console/v2/project/p/domain/d/runs/r"]) {
    assert.equal(parseRoute(path).page, "notFound", path);
  }
});

test("the runs list with its phase filter and page token in the URL", () => {
  assert.deepEqual(parseRoute("/console/projects/p/domains/d/runs", "?phase=failed;running;bogus&token=50"), {
    page: "runs",
    project: "p",
    domain: "d",
    phases: ["running", "failed"],
    token: "50",
  });
  const routes: Route[] = [
    { page: "runs", project: "p", domain: "d" },
    { page: "runs", project: "p q", domain: "d", phases: ["queued", "timed_out"], token: "100" },
    { page: "run", project: "p", domain: "d", name: "r 1" },
    { page: "run", project: "p", domain: "d", name: "r1", action: "a/1" },
  ];
  for (const route of routes) {
    const url = new URL(routeHref(route), "http://localhost");
    assert.deepEqual(parseRoute(url.pathname, url.search), route);
  }
  assert.equal(
    routeHref({ page: "run", project: "flytesnacks", domain: "development", name: "r1" }),
    "/console/v2/domain/development/project/flytesnacks/runs/r1",
  );
});
