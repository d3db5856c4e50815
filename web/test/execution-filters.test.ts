import assert from "node:assert/strict";
import { test } from "node:test";

import {
  filterExpression,
  filterParams,
  filtersOf,
  parseFilters,
  parseTags,
  toggleStatus,
  utcTime,
  type ExecutionFilters,
} from "../src/execution-filters";
import { parseRoute, routeHref } from "../src/routes";

const q = (s: string) => new URLSearchParams(s);

test("statuses and the name search become flyteadmin's filter grammar", () => {
  assert.equal(filterExpression({}), "");
  assert.equal(filterExpression({ status: ["failed"] }), "value_in(phase,FAILED)");
  assert.equal(
    filterExpression({ status: ["running", "timedOut"], search: "abc" }),
    "value_in(phase,RUNNING;SUCCEEDING;FAILING;ABORTING;TIMED_OUT)+contains(name,abc)",
  );
  assert.equal(filterExpression({ status: ["queued"] }), "value_in(phase,QUEUED;UNDEFINED)");
  // What the grammar would read as syntax never reaches it.
  assert.equal(filterExpression({ search: "a(b),c+d;e" }), "contains(name,abcde)");
  assert.equal(filterExpression({ search: " ();" }), "");
});

test("the URL keeps them as FlyteConsole writes status: its keys joined by ';'", () => {
  assert.deepEqual(parseFilters(q("status=failed;running&search=ab")), { status: ["running", "failed"], search: "ab" });
  assert.deepEqual(parseFilters(q("status=failed%3Bnope;failed")), { status: ["failed"] });
  assert.deepEqual(parseFilters(q("search=%20%20&status=")), {});
  assert.equal(filterParams({ status: ["succeeded", "aborted"], search: "x1" }).toString(), "status=succeeded%3Baborted&search=x1");
  assert.equal(filterParams({}).toString(), "");
});

test("a status toggles on and off; none left means every phase", () => {
  const one = toggleStatus({ search: "a" }, "failed");
  assert.deepEqual(one, { search: "a", status: ["failed"] });
  assert.deepEqual(toggleStatus(one, "queued").status, ["queued", "failed"]); // in STATUSES order
  assert.equal(toggleStatus(one, "failed").status, undefined);
});

test("the executions route carries the filters both ways, the legacy path too", () => {
  const base = "/console/projects/p/domains/d/executions";
  const route = parseRoute(base, "?status=succeeded;failed&search=run");
  assert.deepEqual(route, { page: "executions", project: "p", domain: "d", status: ["succeeded", "failed"], search: "run" });
  assert.equal(routeHref(route), `${base}?status=succeeded%3Bfailed&search=run`);
  const [path, search] = routeHref(route).split("?");
  assert.deepEqual(parseRoute(path, `?${search}`), route);
  assert.deepEqual(parseRoute("/console/projects/p/executions", "?domain=d&status=aborted"), {
    page: "executions",
    project: "p",
    domain: "d",
    status: ["aborted"],
  });
  assert.equal(routeHref({ page: "executions", project: "p", domain: "d" }), base);
});

test("the workflow and a creation time window become eq(workflow.name) and gte/lte(created_at)", () => {
  assert.equal(
    filterExpression({ workflow: "runs.workflows.chain_wf", after: "2026-11-29T10:00:00Z", before: "2026-11-30T00:00:00Z" }),
    "eq(workflow.name,runs.workflows.chain_wf)+gte(created_at,2026-11-29T10:00:00Z)+lte(created_at,2026-11-30T00:00:00Z)",
  );
  assert.equal(filterExpression({ status: ["failed"], workflow: "w(x)" }), "value_in(phase,FAILED)+eq(workflow.name,wx)");
  assert.equal(filterExpression({ after: "yesterday" }), ""); // not a time: no term rather than a refused list
});

test("times in the URL are RFC 3339 in UTC, to the second; without a zone they are UTC", () => {
  assert.equal(utcTime("2026-11-29T10:00"), "2026-11-29T10:00:00Z"); // what datetime-local gives
  assert.equal(utcTime("2026-11-29T10:00:30.250Z"), "2026-11-29T10:00:30Z");
  assert.equal(utcTime("2026-11-29T11:00:00+01:00"), "2026-11-29T10:00:00Z");
  assert.equal(utcTime("2026-11-29"), "");
  assert.equal(utcTime("2026-13-45T99:00"), "");
  assert.equal(utcTime(null), "");
  const query = q("workflow=runs.x&after=2026-11-29T10:00&before=nope&status=failed");
  const filters = parseFilters(query);
  assert.deepEqual(filters, { status: ["failed"], workflow: "runs.x", after: "2026-11-29T10:00:00Z" });
  assert.equal(filterParams(filters).toString(), "status=failed&workflow=runs.x&after=2026-11-29T10%3A00%3A00Z");
  const route = parseRoute("/console/projects/p/domains/d/executions", `?${filterParams(filters)}`);
  assert.deepEqual(route, { page: "executions", project: "p", domain: "d", ...filters });
});

test("the launch plan and how long it ran become eq(launch_plan.name) and gte/lte(duration) in seconds", () => {
  assert.equal(
    filterExpression({ launchPlan: "runs.workflows.chain_wf", minDuration: "60", maxDuration: "3600" }),
    "eq(launch_plan.name,runs.workflows.chain_wf)+gte(duration,60)+lte(duration,3600)",
  );
  assert.equal(filterExpression({ minDuration: "1m" }), ""); // the URL keeps whole seconds only
  const filters = parseFilters(q("launchPlan=lp.x&minDuration=090&maxDuration=soon"));
  assert.deepEqual(filters, { launchPlan: "lp.x", minDuration: "90" });
  assert.equal(filterParams(filters).toString(), "launchPlan=lp.x&minDuration=90");
});

test("a route's filters are every filter it holds, and nothing else", () => {
  const route = { page: "executions", project: "p", domain: "d", status: ["failed"], launchPlan: "lp", maxDuration: "5", tags: ["t"] };
  assert.deepEqual(filtersOf(route as ExecutionFilters), { status: ["failed"], launchPlan: "lp", maxDuration: "5", tags: ["t"] });
});

test("tags: typed with commas, kept in the URL with ';', any of them as value_in(execution_tag.key)", () => {
  assert.deepEqual(parseTags(" nightly, ml,,nightly ;x(y) "), ["nightly", "ml", "xy"]);
  assert.deepEqual(parseTags(""), []);
  const filters = parseFilters(q("tags=nightly;ml&status=failed"));
  assert.deepEqual(filters, { status: ["failed"], tags: ["nightly", "ml"] });
  assert.equal(filterParams(filters).toString(), "status=failed&tags=nightly%3Bml");
  assert.equal(filterExpression(filters), "value_in(phase,FAILED)+value_in(execution_tag.key,nightly;ml)");
  assert.equal(filterExpression({ tags: ["a+b", ";"] }), "value_in(execution_tag.key,ab)");
  assert.deepEqual(parseFilters(q("tags=;")), {});
  const route = parseRoute("/console/projects/p/domains/d/executions", "?tags=a;b");
  assert.deepEqual(route, { page: "executions", project: "p", domain: "d", tags: ["a", "b"] });
  assert.equal(routeHref(route!), "/console/projects/p/domains/d/executions?tags=a%3Bb");
});
