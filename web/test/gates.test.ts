import assert from "node:assert/strict";
import { test } from "node:test";

import type { CompiledNode, NodeExecution, Workflow } from "../src/api";
import {
  approval,
  compiledNodeAt,
  gateAt,
  gateNeeds,
  gateOf,
  holdsGate,
  shownPhase,
  waitingGates,
  wakeTime,
} from "../src/gates";
import { phaseInfo } from "../src/phase";

const exec = { project: "p", domain: "d", name: "x" };
const node = (id: string, phase: string, started_at?: string): NodeExecution => ({
  id: { node_id: id, execution_id: exec },
  closure: { phase, started_at },
});

// Gate nodes as flytekit compiles approve(), wait_for_input() and sleep() (gateway JSON).
const nodes: CompiledNode[] = [
  { id: "n0", task_node: { reference_id: { project: "p", domain: "d", name: "add" } } },
  { id: "n1", gate_node: { approve: { signal_id: "approve-it" } } },
  { id: "n2", gate_node: { signal: { signal_id: "how-many", type: { simple: "INTEGER" }, output_variable_name: "o0" } } },
  { id: "n3", gate_node: { sleep: { duration: "90s" } } },
];
const workflow: Workflow = { closure: { compiled_workflow: { primary: { template: { nodes } } } } };

test("a gate's kind, signal and type come from its compiled node", () => {
  assert.deepEqual(gateAt(workflow, "n1"), { kind: "approve", signalId: "approve-it" });
  assert.deepEqual(gateAt(workflow, "n2"), {
    kind: "signal",
    signalId: "how-many",
    type: { simple: "INTEGER" },
    output: "o0",
  });
  assert.deepEqual(gateAt(workflow, "n3"), { kind: "sleep", durationMs: 90_000 });
  assert.equal(gateAt(workflow, "n0"), null);
  assert.equal(gateAt(workflow, "n9"), null);
  assert.equal(gateAt(null, "n1"), null);
  assert.equal(gateOf({ id: "g", gate_node: {} }), null);
});

test("a gate inside a sub-workflow or a branch is found by its run-time id", () => {
  const subId = { project: "p", domain: "d", name: "runs.gates.approve_wf", version: "v" };
  const nested: Workflow = {
    closure: {
      compiled_workflow: {
        primary: {
          template: {
            nodes: [
              { id: "n1", task_node: {} },
              { id: "n10", workflow_node: { sub_workflow_ref: subId } },
              {
                id: "n2",
                branch_node: { if_else: { case: { then_node: { id: "n2-n0", task_node: {} } }, else_node: nodes[3] } },
              },
            ],
          },
        },
        sub_workflows: [{ template: { id: subId, nodes } }],
      },
    },
  };
  assert.deepEqual(gateAt(nested, "n10-0-n1"), { kind: "approve", signalId: "approve-it" });
  assert.equal(gateAt(nested, "n10-0-n2")?.kind, "signal");
  assert.equal(gateAt(nested, "n2-0-n3")?.kind, "sleep"); // the branch's else node
  assert.equal(compiledNodeAt(nested, "n2-0-n2-n0")?.id, "n2-n0");
  assert.equal(compiledNodeAt(nested, "n1-0-n1"), undefined); // a task holds no nodes
  assert.equal(gateAt(nested, "n10"), null);
  assert.equal(gateAt(nested, "n10-0-n9"), null);
  assert.equal(gateAt(nested, "n10-1-n1"), null);
  // The nodes whose children hold a gate: the sub-workflow and the branch, not the task.
  assert.deepEqual(
    ["n1", "n10", "n2", "n10-0-n1", "n9"].filter((id) => holdsGate(nested, id)),
    ["n10", "n2"],
  );
  assert.equal(holdsGate(null, "n10"), false);
});

test("a gate in what a dynamic node generated is found once that workflow is known", () => {
  // The top level: a dynamic task (n0) and a sub-workflow holding another dynamic task (n1-0-n0).
  const subId = { project: "p", domain: "d", name: "runs.gates.sub", version: "v" };
  const dyn: CompiledNode = { id: "n0", task_node: { reference_id: { project: "p", domain: "d", name: "gated_dynamic" } } };
  const top: Workflow = {
    closure: {
      compiled_workflow: {
        primary: { template: { nodes: [dyn, { id: "n1", workflow_node: { sub_workflow_ref: subId } }] } },
        sub_workflows: [{ template: { id: subId, nodes: [dyn] } }],
      },
    },
  };
  // What flytekit's dynamic task compiles: its nodes are dn0, dn1, …; a sub-workflow of its own.
  const madeSubId = { project: "p", domain: "d", name: "dyn.sub", version: "v" };
  const made = {
    primary: {
      template: {
        nodes: [
          { id: "dn0", task_node: {} },
          { id: "dn1", gate_node: { approve: { signal_id: "approve-dyn" } } },
          { id: "dn2", workflow_node: { sub_workflow_ref: madeSubId } },
        ],
      },
    },
    sub_workflows: [{ template: { id: madeSubId, nodes: [nodes[2]] } }],
  };
  assert.equal(gateAt(top, "n0-0-dn1"), null); // not known yet
  assert.equal(holdsGate(top, "n0"), false);
  const generated = new Map([
    ["n0", made],
    ["n1-0-n0", made],
  ]);
  assert.deepEqual(gateAt(top, "n0-0-dn1", generated), { kind: "approve", signalId: "approve-dyn" });
  assert.equal(gateAt(top, "n0-0-dn2-0-n2", generated)?.kind, "signal"); // its sub-workflow's gate
  assert.deepEqual(gateAt(top, "n1-0-n0-0-dn1", generated), { kind: "approve", signalId: "approve-dyn" });
  assert.equal(gateAt(top, "n0-0-dn0", generated), null);
  assert.equal(gateAt(top, "n0-0-dn9", generated), null);
  assert.deepEqual(
    ["n0", "n1", "n1-0-n0", "n0-0-dn0", "n0-0-dn1", "n0-0-dn2", "n9"].filter((id) => holdsGate(top, id, generated)),
    ["n0", "n1", "n1-0-n0", "n0-0-dn2"],
  );
  const waiting = waitingGates([node("n0-0-dn1", "RUNNING"), node("n0-0-dn0", "RUNNING")], top, generated);
  assert.deepEqual(
    waiting.map((w) => w.nodeId),
    ["n0-0-dn1"],
  );
});

test("the gates waiting now are the running ones, in start order", () => {
  const nodes = [
    node("start-node", "SUCCEEDED"),
    node("n0", "RUNNING"), // a task, not a gate
    node("n2", "RUNNING", "2026-11-29T10:00:00Z"),
    node("n1", "SUCCEEDED"),
    node("n3", "RUNNING", "2026-11-29T10:00:00Z"),
  ];
  const waiting = waitingGates(nodes, workflow);
  assert.deepEqual(
    waiting.map((w) => [w.nodeId, w.gate.kind]),
    [
      ["n2", "signal"],
      ["n3", "sleep"],
    ],
  );
  assert.deepEqual(waitingGates(null, workflow), []);
  assert.deepEqual(waitingGates(nodes, null), []);
});

test("a running gate shows as Waiting, with a symbol and a word; what it needs in words", () => {
  assert.equal(shownPhase("RUNNING", true), "PAUSED");
  assert.equal(shownPhase("RUNNING", false), "RUNNING");
  assert.equal(shownPhase("SUCCEEDED", true), "SUCCEEDED");
  const info = phaseInfo(shownPhase("RUNNING", true));
  assert.deepEqual([info.symbol, info.label, info.terminal], ["‖", "Waiting", false]);
  const gates = waitingGates([node("n1", "RUNNING"), node("n2", "RUNNING"), node("n3", "RUNNING", "2026-11-29T10:00:00Z")], workflow);
  assert.deepEqual(
    gates.map((g) => gateNeeds(g.gate, g.node.closure.started_at)),
    [
      "waits for approval (signal approve-it)",
      "waits for a value of signal how-many",
      "sleeps until 2026-11-29 10:01:30 UTC",
    ],
  );
  assert.equal(wakeTime({ kind: "sleep", durationMs: 1000 }, undefined), null);
  assert.equal(gateNeeds({ kind: "sleep", durationMs: null }, "2026-11-29T10:00:00Z"), "sleeps until the end of its sleep");
});

test("approve and reject send the boolean literal FlyteConsole sends", () => {
  assert.deepEqual(approval(true), { scalar: { primitive: { boolean: true } } });
  assert.deepEqual(approval(false), { scalar: { primitive: { boolean: false } } });
});
