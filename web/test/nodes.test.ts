import assert from "node:assert/strict";
import { test } from "node:test";

import type { NodeExecution, Workflow } from "../src/api";
import { nodeRows } from "../src/nodes";

const exec = { project: "p", domain: "d", name: "x" };
const node = (id: string, phase: string): NodeExecution => ({ id: { node_id: id, execution_id: exec }, closure: { phase } });

test("start and end nodes are hidden; order is kept; names come from the compiled workflow", () => {
  const workflow: Workflow = {
    closure: {
      compiled_workflow: {
        primary: {
          template: {
            nodes: [
              { id: "n0", task_node: { reference_id: { project: "p", domain: "d", name: "myapp.workflows.add" } } },
              { id: "n1", workflow_node: { sub_workflow_ref: { project: "p", domain: "d", name: "myapp.inner_wf" } } },
            ],
          },
        },
      },
    },
  };
  const rows = nodeRows(
    [node("start-node", "SUCCEEDED"), node("n0", "SUCCEEDED"), node("n1", "RUNNING"), node("n2", "QUEUED"), node("end-node", "QUEUED")],
    workflow,
  );
  assert.deepEqual(
    rows.map((r) => [r.nodeId, r.runs, r.execution.closure.phase]),
    [
      ["n0", "add", "SUCCEEDED"],
      ["n1", "inner_wf", "RUNNING"],
      ["n2", "", "QUEUED"],
    ],
  );
});

test("without the workflow, rows still list every node", () => {
  assert.deepEqual(
    nodeRows([node("n0", "RUNNING")], null).map((r) => r.runs),
    [""],
  );
});
