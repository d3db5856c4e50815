import assert from "node:assert/strict";
import { test } from "node:test";

import type { CompiledClosure } from "../src/api";
import { compareNames, declaredOutputs, nodeDeclaredOutputs, orderedEntries } from "../src/order";

const keys = (map: Record<string, number>, declared?: string[]) => orderedEntries(map, declared).map(([k]) => k);

test("names compare with their digits as numbers: o2 before o10", () => {
  const names = ["o10", "o2", "o0", "o1", "x10", "x2", "x1", "b", "a", "o11", "o9"];
  assert.deepEqual([...names].sort(compareNames), ["a", "b", "o0", "o1", "o2", "o9", "o10", "o11", "x1", "x2", "x10"]);
  assert.deepEqual(["item01", "item1", "item001"].sort(compareNames), ["item1", "item01", "item001"]);
  assert.deepEqual(["a2b10", "a2b9", "a10b1", "a"].sort(compareNames), ["a", "a2b9", "a2b10", "a10b1"]);
  // Digit runs beyond 2^53 compare exactly (as strings of equal length), case by code unit.
  assert.ok(compareNames("v9007199254740993", "v9007199254740992") > 0);
  assert.deepEqual(["b", "B", "a"].sort(compareNames), ["B", "a", "b"]);
});

test("a map's entries: whatever order the gateway printed, the same order out", () => {
  // The gateway's map order, as the execution page saw it: o1, o2, o0 (and o10).
  assert.deepEqual(keys({ o1: 1, o2: 2, o10: 10, o0: 0 }), ["o0", "o1", "o2", "o10"]);
  assert.deepEqual(keys({ o10: 10, o0: 0, o2: 2, o1: 1 }), ["o0", "o1", "o2", "o10"]);
  assert.deepEqual(keys({}), []);
  assert.deepEqual(orderedEntries(undefined), []);
});

test("declared names come first in their order, the rest after by name", () => {
  assert.deepEqual(keys({ count: 1, mean: 2, total: 3 }, ["total", "count", "mean"]), ["total", "count", "mean"]);
  assert.deepEqual(keys({ z: 1, o2: 2, total: 3, o10: 4 }, ["total", "gone"]), ["total", "o2", "o10", "z"]);
});

test("a workflow declares its outputs by its output bindings; a sub-workflow node by its sub-workflow's", () => {
  const sub = { project: "p", domain: "d", name: "inner", version: "v" };
  const closure: CompiledClosure = {
    primary: {
      template: {
        nodes: [
          { id: "n0", workflow_node: { sub_workflow_ref: sub } },
          { id: "n1", task_node: { reference_id: sub } },
        ],
        outputs: [{ var: "total" }, { var: "count" }, { var: "mean" }],
      },
    },
    sub_workflows: [{ template: { id: sub, outputs: [{ var: "b" }, { var: "a" }] } }],
  };
  assert.deepEqual(declaredOutputs(closure.primary), ["total", "count", "mean"]);
  assert.deepEqual(nodeDeclaredOutputs(closure, "n0"), ["b", "a"]);
  assert.deepEqual(nodeDeclaredOutputs(closure, "n1"), []); // a task's interface keeps no order
  assert.deepEqual(nodeDeclaredOutputs(closure, "n0-0-n1"), []);
  assert.deepEqual(declaredOutputs(undefined), []);
});
