// Flyte 2's runs in the console: the action tree from ListActions' flat list, phases and times,
// Connect's camelCase literals back in the shape the literal renderer reads, and the envelopes
// of a Connect server stream (TailLogs).
import assert from "node:assert/strict";
import { test } from "node:test";

import type { Literal } from "../src/literals";
import { literalText } from "../src/literals";
import type { Action } from "../src/v2/api";
import { literalMapOf, v1Literal } from "../src/v2/literals";
import { splitEnvelopes } from "../src/v2/logs";
import { actionRows, progressOf, v1Phase } from "../src/v2/tree";
import fixtures from "./fixtures/literals.json";

const run = { project: "p", domain: "d", name: "r1" };
const action = (name: string, parent?: string, phase = "ACTION_PHASE_SUCCEEDED"): Action => ({
  id: { run, name },
  metadata: parent ? { parent } : {},
  status: { phase },
});
const shape = (rows: ReturnType<typeof actionRows>) => rows.map((r) => `${"  ".repeat(r.depth)}${r.action.id.name}:${r.children}`);

test("actions nest under their parents, siblings in creation order", () => {
  // As ListActions lists them: creation order, a grandchild before its parent's later sibling.
  const actions = [action("a0"), action("c1", "a0"), action("c2", "a0"), action("g1", "c1"), action("c3", "a0")];
  assert.deepEqual(shape(actionRows(actions)), ["a0:3", "  c1:1", "    g1:0", "  c2:0", "  c3:0"]);
});

test("a collapsed action hides its descendants, not itself", () => {
  const actions = [action("a0"), action("c1", "a0"), action("g1", "c1"), action("c2", "a0")];
  assert.deepEqual(shape(actionRows(actions, new Set(["c1"]))), ["a0:2", "  c1:1", "  c2:0"]);
  assert.deepEqual(shape(actionRows(actions, new Set(["a0"]))), ["a0:2"]);
});

test("an action whose parent is not listed stays visible at the top; a cycle does not hang", () => {
  assert.deepEqual(shape(actionRows([action("a0"), action("x", "gone")])), ["a0:0", "x:0"]);
  assert.deepEqual(shape(actionRows([action("a", "b"), action("b", "a")])), []);
  assert.deepEqual(shape(actionRows([action("a0", "a0")])), ["a0:0"]);
});

test("Flyte 2's phases by the names the console shows", () => {
  assert.equal(v1Phase("ACTION_PHASE_SUCCEEDED"), "SUCCEEDED");
  assert.equal(v1Phase("ACTION_PHASE_TIMED_OUT"), "TIMED_OUT");
  assert.equal(v1Phase("ACTION_PHASE_INITIALIZING"), "QUEUED");
  assert.equal(v1Phase("ACTION_PHASE_WAITING_FOR_RESOURCES"), "QUEUED");
  assert.equal(v1Phase("ACTION_PHASE_UNSPECIFIED"), "UNDEFINED");
  assert.equal(v1Phase(undefined), "UNDEFINED");
});

test("durations from start and end once ended, none while running", () => {
  const ended = progressOf({
    phase: "ACTION_PHASE_FAILED",
    startTime: "2026-11-30T01:00:00Z",
    endTime: "2026-11-30T01:01:02.500Z",
    durationMs: "1",
  });
  assert.deepEqual(ended, { phase: "FAILED", started_at: "2026-11-30T01:00:00Z", duration: "62.500s" });
  assert.deepEqual(progressOf({ phase: "ACTION_PHASE_RUNNING", startTime: "2026-11-30T01:00:00Z" }), {
    phase: "RUNNING",
    started_at: "2026-11-30T01:00:00Z",
  });
  assert.equal(progressOf({ phase: "ACTION_PHASE_SUCCEEDED", durationMs: "1500" }).duration, "1.500s");
});

// What protobuf's JSON printer does to a literal (Connect's JSON codec): field names in
// lowerCamelCase, a map's keys (the user's names) and a Struct's content as they are.
function camel(value: unknown, parent = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => camel(v, parent));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (key === "generic") out[name] = v;
    else if (parent === "map" && key === "literals") {
      out[name] = Object.fromEntries(Object.entries(v as object).map(([k, lit]) => [k, camel(lit)]));
    } else out[name] = camel(v, key);
  }
  return out;
}

test("Connect's camelCase literals read as the gateway's: every fixture flytekit made", () => {
  const all = fixtures as unknown as Record<string, Literal>;
  let changed = 0;
  for (const [name, literal] of Object.entries(all)) {
    const connect = camel(literal) as Record<string, unknown>;
    if (JSON.stringify(connect) !== JSON.stringify(literal)) changed++;
    assert.deepEqual(v1Literal(connect), literal, name);
    assert.equal(literalText(v1Literal(connect)), literalText(literal), name);
  }
  assert.ok(changed > 5, "the fixtures have camelCase fields to undo");
});

test("named literals (flyteidl2 Inputs/Outputs) become a literal map; names are kept as written", () => {
  const map = literalMapOf({
    literals: [
      { name: "my_value", value: { scalar: { primitive: { stringValue: "x" } } } },
      { name: "n", value: { scalar: { primitive: { integer: "3" } } } },
    ],
  });
  assert.deepEqual(Object.keys(map.literals!), ["my_value", "n"]);
  assert.equal(literalText(map.literals!.my_value), '"x"');
  assert.equal(literalText(map.literals!.n), "3");
  assert.deepEqual(literalMapOf(undefined), { literals: {} });
});

const frame = (flags: number, json: unknown): number[] => {
  const payload = [...new TextEncoder().encode(JSON.stringify(json))];
  const n = payload.length;
  return [flags, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255, ...payload];
};

test("a server stream's envelopes, whole ones only, the rest kept for the next read", () => {
  const one = frame(0, { logs: [{ lines: [{ message: "hello" }] }] });
  const end = frame(2, {});
  const bytes = new Uint8Array([...one, ...end.slice(0, 3)]);
  const first = splitEnvelopes(bytes);
  assert.deepEqual(first.frames, [{ flags: 0, json: { logs: [{ lines: [{ message: "hello" }] }] } }]);
  assert.deepEqual([...first.rest], end.slice(0, 3));
  const second = splitEnvelopes(new Uint8Array([...first.rest, ...end.slice(3)]));
  assert.deepEqual(second.frames, [{ flags: 2, json: {} }]);
  assert.equal(second.rest.length, 0);
  assert.deepEqual(splitEnvelopes(new Uint8Array([0, 0, 0])).frames, []);
});
