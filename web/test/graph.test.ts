import assert from "node:assert/strict";
import { test } from "node:test";

import type { Workflow } from "../src/api";
import { firstKey, focusIndex, move } from "../src/graph/focus";
import { layout, type LayoutInput } from "../src/graph/layout";
import { allNodes, boxKeys, workflowGraph } from "../src/graph/model";
import { place, type PlacedGraph } from "../src/graph/nested";
import { mapProgress, nodeStatuses } from "../src/graph/statuses";
// runs.graphs.graph_wf as the sandbox's gateway returned it after `pyflyte run --remote`
// (tests/e2e/flyteproj/runs/graphs.py), trimmed to the fields the graph reads.
import graphWf from "./fixtures/graph_wf.json";

const workflow = graphWf as unknown as Workflow;

test("a compiled workflow gives nodes named by what they run, sub-workflows and branches nested", () => {
  const graph = workflowGraph(workflow)!;
  const top = graph.nodes.map((n) => `${n.id}:${n.kind}:${n.label}`);
  assert.deepEqual(top, [
    "start-node:start:start",
    "end-node:end:end",
    "n0:workflow:inner_wf",
    "n1:task:add",
    "n2:branch:big",
    "n3:map:double",
  ]);
  const sub = graph.nodes.find((n) => n.id === "n0")!.children!;
  assert.deepEqual(
    sub.nodes.map((n) => [n.key, n.label]),
    [
      ["n0-0-start-node", "start"],
      ["n0-0-end-node", "end"],
      ["n0-0-n0", "square"],
    ],
  );
  const branch = graph.nodes.find((n) => n.id === "n2")!.children!;
  assert.deepEqual(
    branch.nodes.map((n) => [n.key, n.label]),
    [
      ["n2-0-n2-n0", "square"],
      ["n2-0-n2-n1", "add"],
    ],
  );
  assert.deepEqual(
    graph.edges.map((e) => `${e.from}>${e.to}`).sort(),
    ["n0>n1", "n1>end-node", "n2>end-node", "n3>end-node", "start-node>n0", "start-node>n2", "start-node>n3"],
  );
  assert.deepEqual(
    allNodes(graph).map((n) => n.key),
    ["start-node", "end-node", "n0", "n0-0-start-node", "n0-0-end-node", "n0-0-n0", "n1", "n2", "n2-0-n2-n0", "n2-0-n2-n1", "n3"],
  );
});

test("statuses key node executions by run-time id; a map node counts finished items", () => {
  const exec = { project: "p", domain: "d", name: "x" };
  const attemptId = (retry_attempt: number) => ({
    task_id: { project: "p", domain: "d", name: "t" },
    node_execution_id: { node_id: "n3", execution_id: exec },
    retry_attempt,
  });
  const statuses = nodeStatuses(
    [
      { id: { node_id: "n0-0-n0", execution_id: exec }, closure: { phase: "RUNNING" } },
      { id: { node_id: "n3", execution_id: exec }, closure: { phase: "RUNNING" } },
    ],
    new Map([
      [
        "n3",
        [
          {
            id: attemptId(0),
            closure: { phase: "FAILED", metadata: { external_resources: [{ phase: "FAILED" }] } },
          },
          {
            id: attemptId(1),
            closure: {
              phase: "RUNNING",
              metadata: { external_resources: [{ phase: "SUCCEEDED" }, { phase: "RUNNING" }, { phase: "FAILED" }] },
            },
          },
        ],
      ],
    ]),
  );
  assert.deepEqual(statuses.get("n0-0-n0"), { phase: "RUNNING" });
  assert.deepEqual(statuses.get("n3"), { phase: "RUNNING", done: 2, total: 3 });
  assert.equal(mapProgress([]), null);
});

function chain(n: number, fanEvery = 0): LayoutInput {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, width: 176, height: 48 }));
  const edges = nodes.slice(1).map((node, i) => ({ from: fanEvery && i % fanEvery ? `n${i - (i % fanEvery)}` : `n${i}`, to: node.id }));
  return { nodes, edges };
}

function overlaps(placed: PlacedGraph): string[] {
  const found: string[] = [];
  const sorted = [...placed.nodes].sort((a, b) => a.x - b.x || a.y - b.y);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].x < sorted[i].x + sorted[i].width; j++) {
      const a = sorted[i];
      const b = sorted[j];
      if (a.y < b.y + b.height && b.y < a.y + a.height) found.push(`${a.node.id}/${b.node.id}`);
    }
  }
  return found;
}

test("layout ranks left to right along edges, never overlaps, and is deterministic", () => {
  const graph = workflowGraph(workflow)!;
  const placed = place(graph);
  const at = new Map(placed.nodes.map((p) => [p.node.id, p]));
  for (const e of graph.edges) assert.ok(at.get(e.from)!.x + at.get(e.from)!.width <= at.get(e.to)!.x, `${e.from}>${e.to}`);
  assert.deepEqual(overlaps(placed), []);
  // Boxes hold their children.
  const box = at.get("n0")!;
  for (const c of box.children!.nodes) assert.ok(c.x + c.width <= box.width && c.y + c.height <= box.height);
  assert.deepEqual(JSON.stringify(place(workflowGraph(workflow)!)), JSON.stringify(placed));
});

test("1,000 nodes lay out quickly, the same way every time, without overlaps", () => {
  for (const input of [chain(1000), chain(1000, 10)]) {
    const t0 = performance.now();
    const first = layout(input);
    const ms = performance.now() - t0;
    console.log(`layout of ${input.nodes.length} nodes, ${input.edges.length} edges: ${ms.toFixed(1)} ms`);
    assert.deepEqual([...layout(input).positions], [...first.positions]);
    const placed: PlacedGraph = {
      nodes: input.nodes.map((n) => ({ node: { id: n.id, key: n.id, label: n.id, kind: "task" }, ...n, ...first.positions.get(n.id)! })),
      edges: [],
      width: first.width,
      height: first.height,
    };
    assert.deepEqual(overlaps(placed), []);
  }
});

test("keyboard moves follow edges, columns and boxes", () => {
  const placed = place(workflowGraph(workflow)!);
  const index = focusIndex(placed);
  assert.equal(firstKey(placed), "start-node");
  assert.equal(move(index, "start-node", "right"), "n0"); // the first downstream node
  assert.equal(move(index, "n0", "right"), "n1");
  assert.equal(move(index, "n1", "left"), "n0");
  assert.equal(move(index, "n0", "down"), "n2"); // same column, next below
  assert.equal(move(index, "n2", "up"), "n0");
  assert.equal(move(index, "n0", "up"), "n0"); // nothing above: stays
  assert.equal(move(index, "n0", "in"), "n0-0-start-node");
  assert.equal(move(index, "n0-0-start-node", "right"), "n0-0-n0");
  assert.equal(move(index, "n0-0-n0", "out"), "n0");
  assert.equal(move(index, "n0", "out"), "n0"); // top level: the canvas lets go instead
  // Absolute positions: a nested node lies inside its box.
  const box = index.get("n0")!;
  const inner = index.get("n0-0-n0")!;
  assert.ok(inner.x > box.x && inner.x + inner.width < box.x + box.width && inner.y > box.y);
});

test("a dynamic node, once its generated workflow is known, holds it as a box keyed like its children", () => {
  const task = (id: string, name: string, upstream: string[] = []) => ({
    id,
    upstream_node_ids: upstream,
    task_node: { reference_id: { project: "p", domain: "d", name } },
  });
  const wf: Workflow = {
    closure: { compiled_workflow: { primary: { template: { nodes: [task("n0", "runs.dynamics.sums_of_cubes")] } } } },
  };
  assert.equal(workflowGraph(wf)!.nodes[0].children, undefined);
  // As data/node_executions/{execution}/n0 returns it (runs.dynamics.nested_dynamic_wf, n=2).
  const generated = {
    primary: {
      template: { nodes: [task("dn0", "runs.dynamics.cubes"), task("dn1", "runs.dynamics.sum_all", ["dn0"])] },
      connections: { upstream: { dn0: { ids: ["start-node"] }, dn1: { ids: ["dn0"] }, "end-node": { ids: ["dn1"] } } },
    },
  };
  const inner = { primary: { template: { nodes: [task("dn0", "runs.dynamics.cube")] } } };
  const graph = workflowGraph(wf, new Map([["n0", generated], ["n0-0-dn0", inner]]))!;
  assert.deepEqual(
    allNodes(graph).map((n) => `${n.key}:${n.label}`),
    ["n0:sums_of_cubes", "n0-0-start-node:start", "n0-0-dn0:cubes", "n0-0-dn0-0-dn0:cube", "n0-0-dn1:sum_all", "n0-0-end-node:end"],
  );
  assert.deepEqual(place(graph).nodes.length, 1);
});

test("a collapsed box is placed as one node that counts what it hides", () => {
  const graph = workflowGraph(workflow)!;
  assert.deepEqual(boxKeys(graph), ["n0", "n2"]);
  const placed = place(graph, new Set(["n0"]));
  const box = placed.nodes.find((p) => p.node.id === "n0")!;
  assert.equal(box.children, undefined);
  assert.equal(box.hidden, 3); // start, square, end
  assert.ok(placed.nodes.find((p) => p.node.id === "n2")!.children); // the other box stays open
  assert.deepEqual(overlaps(placed), []);
});
