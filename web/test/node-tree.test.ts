import assert from "node:assert/strict";
import { test } from "node:test";

import type { NodeExecution, TaskExecution, Workflow } from "../src/api";
import { cacheText, mapTaskName, phaseCounts, sameRow, treeRows, type TreeState } from "../src/node-tree";

const exec = { project: "p", domain: "d", name: "x" };
const ref = (name: string) => ({ project: "p", domain: "d", name });
const node = (id: string, phase: string, extra: Partial<NodeExecution> = {}): NodeExecution => ({
  id: { node_id: id, execution_id: exec },
  closure: { phase },
  ...extra,
});
const meta = (m: NodeExecution["metadata"]) => ({ metadata: m });
const attempt = (nodeId: string, n: number, phase: string, items?: { index: number; phase: string }[]): TaskExecution => ({
  id: { task_id: ref("runs.console.maybe_fail"), node_execution_id: { node_id: nodeId, execution_id: exec }, retry_attempt: n },
  closure: { phase, ...(items ? { metadata: { external_resources: items } } : {}) },
});

// tree_wf of tests/e2e/flyteproj/runs/console.py: sub-workflow, launch plan, dynamic, map, cached task.
const workflow: Workflow = {
  closure: {
    compiled_workflow: {
      primary: {
        template: {
          nodes: [
            { id: "n0", workflow_node: { sub_workflow_ref: ref("runs.console.inner") } },
            { id: "n1", workflow_node: { launchplan_ref: ref("runs.console.inner_lp") } },
            { id: "n2", task_node: { reference_id: ref("runs.console.fan") } },
            { id: "n4", metadata: { name: "runs.console.map_maybe_fail_1f2210850ffce76071ffac74a263152a-arraynode" }, array_node: {} },
            { id: "n5", task_node: { reference_id: ref("runs.console.cached_double") } },
          ],
        },
      },
      sub_workflows: [{ template: { id: ref("runs.console.inner"), nodes: [{ id: "n0", task_node: { reference_id: ref("runs.console.cached_double") } }] } }],
    },
  },
};
const top = [
  node("start-node", "SUCCEEDED"),
  node("n0", "SUCCEEDED", meta({ is_parent_node: true, spec_node_id: "n0" })),
  node("n1", "SUCCEEDED", { closure: { phase: "SUCCEEDED", workflow_node_metadata: { executionId: { ...exec, name: "child" } } } }),
  node("n2", "SUCCEEDED", meta({ is_parent_node: true, is_dynamic: true, spec_node_id: "n2" })),
  node("n4", "SUCCEEDED", meta({ is_array: true, spec_node_id: "n4" })),
  node("n5", "SUCCEEDED", { closure: { phase: "SUCCEEDED", task_node_metadata: { cache_status: "CACHE_HIT" } } }),
];

function state(expanded: string[]): TreeState {
  return {
    expanded: new Set(expanded),
    children: new Map([
      ["n0", [node("n0-0-n0", "SUCCEEDED", { ...meta({ spec_node_id: "n0" }), closure: { phase: "SUCCEEDED", task_node_metadata: { cache_status: "CACHE_POPULATED" } } })]],
      ["n2", [node("n2-0-dn0", "SUCCEEDED", meta({ spec_node_id: "dn0" })), node("n2-0-dn1", "FAILED", meta({ spec_node_id: "dn1" }))]],
    ]),
    attempts: new Map([
      ["n4", [attempt("n4", 0, "SUCCEEDED", [{ index: 1, phase: "FAILED" }, { index: 0, phase: "SUCCEEDED" }, { index: 2, phase: "SUCCEEDED" }])]],
      ["n2-0-dn1", [attempt("n2-0-dn1", 0, "FAILED"), attempt("n2-0-dn1", 1, "FAILED")]],
      ["n5", []], // a cache hit runs no attempt
    ]),
    generated: new Map([["n2", [{ id: "dn0", task_node: { reference_id: ref("runs.console.cached_double") } }]]]),
  };
}

test("collapsed: the top level, each node's kind, the launch plan's child execution, cache status", () => {
  const rows = treeRows(top, workflow, state([]));
  assert.deepEqual(
    rows.map((r) => [r.key, r.depth, r.kind, r.runs, r.expandable, r.cache]),
    [
      ["n0", 0, "sub-workflow", "inner", true, ""],
      ["n1", 0, "launch plan", "inner_lp", false, ""],
      ["n2", 0, "dynamic", "fan", true, ""],
      ["n4", 0, "map", "maybe_fail", true, ""],
      ["n5", 0, "task", "cached_double", false, "↺ cache hit"],
    ],
  );
  assert.deepEqual(rows[1].childExecution, { ...exec, name: "child" });
  assert.equal(rows[3].counts, "2 succeeded, 1 failed");
});

test("expanded: sub-workflow and dynamic children nest with their names and attempts; map items by index", () => {
  const rows = treeRows(top, workflow, state(["n0", "n2", "n4"]));
  assert.deepEqual(
    rows.map((r) => [r.key, r.depth, r.kind, r.runs, r.cache, r.attempts ?? null]),
    [
      ["n0", 0, "sub-workflow", "inner", "", null],
      ["n0-0-n0", 1, "task", "cached_double", "⤓ cached", null],
      ["n1", 0, "launch plan", "inner_lp", "", null],
      ["n2", 0, "dynamic", "fan", "", null],
      ["n2-0-dn0", 1, "task", "cached_double", "", null],
      ["n2-0-dn1", 1, "node", "maybe_fail", "", 2],
      ["n4", 0, "map", "maybe_fail", "", null],
      ["n4[0]", 1, "map item", "item 0", "", 1],
      ["n4[1]", 1, "map item", "item 1", "", 1],
      ["n4[2]", 1, "map item", "item 2", "", 1],
      ["n5", 0, "task", "cached_double", "↺ cache hit", null],
    ],
  );
  assert.equal(rows[8].item?.phase, "FAILED");
});

test("map tasks are named by the task they map", () => {
  assert.equal(mapTaskName("map_maybe_fail_1f2210850ffce76071ffac74a263152a-arraynode"), "maybe_fail");
  assert.equal(mapTaskName("map_double_0123456789abcdef0123456789abcdef"), "double");
  assert.equal(mapTaskName("mapper"), "mapper");
});

test("cache status and phase counts in words", () => {
  assert.equal(cacheText("CACHE_DISABLED"), "");
  assert.equal(cacheText(undefined), "");
  assert.equal(cacheText("CACHE_POPULATED"), "⤓ cached");
  assert.equal(phaseCounts([{ phase: "RUNNING" }, { phase: "SUCCEEDED" }, { phase: "RUNNING" }]), "2 running, 1 succeeded");
});

test("rows made again from the same data are the same rows; a node's new attempts change its row only", () => {
  const shown = state(["n0", "n2", "n4"]);
  const before = treeRows(top, workflow, shown);
  assert.ok(treeRows(top, workflow, shown).every((row, i) => sameRow(row, before[i])));
  const attempts = new Map(shown.attempts);
  attempts.set("n2-0-dn1", [...attempts.get("n2-0-dn1")!, attempt("n2-0-dn1", 2, "SUCCEEDED")]);
  const after = treeRows(top, workflow, { ...shown, attempts });
  const changed = after.filter((row, i) => !sameRow(row, before[i])).map((row) => row.key);
  assert.deepEqual(changed, ["n2-0-dn1"]);
});
