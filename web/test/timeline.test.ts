import assert from "node:assert/strict";
import { test } from "node:test";

import type { NodeExecution, TaskExecution } from "../src/api";
import { nodeSegments, timelineRows, timeRange } from "../src/timeline/segments";

const exec = { project: "p", domain: "d", name: "x" };
const T = Date.parse("2026-11-29T10:00:00Z");
const at = (ms: number) => new Date(T + ms).toISOString();

function node(id: string, closure: NodeExecution["closure"], parent = false): NodeExecution {
  return { id: { node_id: id, execution_id: exec }, closure, metadata: { is_parent_node: parent } };
}

function attempt(n: number, closure: TaskExecution["closure"]): TaskExecution {
  const taskId = { project: "p", domain: "d", name: "t", version: "v" };
  return { id: { task_id: taskId, node_execution_id: { node_id: "n", execution_id: exec }, retry_attempt: n }, closure };
}

test("a finished node without attempts: queued from creation to start, running for its duration", () => {
  const segments = nodeSegments(
    node("n0", { phase: "SUCCEEDED", created_at: at(0), started_at: at(500), duration: "2.000s" }),
    undefined,
    T + 60_000,
  );
  assert.deepEqual(
    segments.map((s) => [s.kind, s.start - T, s.end - T, s.attempt]),
    [
      ["queued", 0, 500, null],
      ["running", 500, 2500, null],
    ],
  );
});

test("a running node grows to now; a node not started yet is queued until now", () => {
  const now = T + 9000;
  const running = nodeSegments(node("n0", { phase: "RUNNING", created_at: at(0), started_at: at(1000) }), undefined, now);
  assert.deepEqual(running[running.length - 1].end, now);
  const waiting = nodeSegments(node("n1", { phase: "QUEUED", created_at: at(2000) }), undefined, now);
  assert.deepEqual(waiting.map((s) => [s.kind, s.start - T, s.end - T]), [["queued", 2000, 9000]]);
});

test("retries: one queued and one running segment per attempt, in attempt order", () => {
  const segments = nodeSegments(
    node("n0", { phase: "SUCCEEDED", created_at: at(0), started_at: at(100), duration: "5s" }),
    [
      attempt(1, { phase: "SUCCEEDED", created_at: at(3000), started_at: at(3500), duration: "1.5s" }),
      attempt(0, { phase: "FAILED", created_at: at(100), started_at: at(200), duration: "2s" }),
    ],
    T + 60_000,
  );
  assert.deepEqual(
    segments.map((s) => [s.kind, s.attempt, s.phase, s.start - T, s.end - T]),
    [
      ["queued", 0, "FAILED", 0, 200],
      ["running", 0, "FAILED", 200, 2200],
      ["queued", 1, "SUCCEEDED", 3000, 3500],
      ["running", 1, "SUCCEEDED", 3500, 5000],
    ],
  );
});

test("missing or broken timestamps drop segments, never the row; ended without duration uses updated_at", () => {
  assert.deepEqual(nodeSegments(node("n0", { phase: "SUCCEEDED" }), undefined, T), []);
  const s = nodeSegments(node("n0", { phase: "FAILED", started_at: at(0), updated_at: at(700), duration: "0s" }), undefined, T + 9e6);
  assert.deepEqual(s.map((x) => [x.kind, x.end - x.start]), [["running", 700]]);
  const rows = timelineRows([node("n0", { phase: "SUCCEEDED", started_at: "garbage" })], [], new Map(), T);
  assert.equal(rows.length, 1);
  assert.equal(timeRange(rows), null);
});

test("rows: start and end nodes hidden, children after their parent and indented, cache hits marked", () => {
  const rows = timelineRows(
    [
      node("start-node", { phase: "SUCCEEDED", started_at: at(0) }),
      node("n0", { phase: "SUCCEEDED", started_at: at(0), duration: "1s" }, true),
      node("n1", { phase: "SUCCEEDED", started_at: at(1000), duration: "0s", task_node_metadata: { cache_status: "CACHE_HIT" } }),
      node("end-node", { phase: "SUCCEEDED", started_at: at(2000) }),
    ],
    [
      node("n0-0-start-node", { phase: "SUCCEEDED", started_at: at(0) }),
      node("n0-0-n0", { phase: "SUCCEEDED", started_at: at(10), duration: "0.5s" }, true),
      node("n0-0-n0-0-n1", { phase: "SUCCEEDED", started_at: at(20), duration: "0.4s" }),
    ],
    new Map([["n1", [attempt(0, { phase: "SUCCEEDED", started_at: at(1000), duration: "0.001s" })]]]),
    T + 5000,
  );
  assert.deepEqual(
    rows.map((r) => [r.nodeId, r.depth, r.cacheHit, r.attempts]),
    [
      ["n0", 0, false, 0],
      ["n0-0-n0", 1, false, 0],
      ["n0-0-n0-0-n1", 2, false, 0],
      ["n1", 0, true, 1],
    ],
  );
  assert.deepEqual(timeRange(rows), { start: T, end: T + 1001 });
});
