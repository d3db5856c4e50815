// The rows of the Nodes tab: node executions in start order without the start and end nodes
// the engine records, each named by what it runs (task or sub-workflow short name) when the
// compiled workflow says so.
import type { CompiledNode, NodeExecution, Workflow } from "./api";

const HIDDEN = new Set(["start-node", "end-node"]);

export interface NodeRow {
  nodeId: string;
  runs: string; // what the node runs, "" when unknown
  execution: NodeExecution;
}

// "myapp.workflows.square" → "square".
function shortName(name: string | undefined): string {
  if (!name) return "";
  const dot = name.lastIndexOf(".");
  return dot < 0 ? name : name.slice(dot + 1);
}

export function runsOf(node: CompiledNode | undefined): string {
  if (!node) return "";
  const ref = node.task_node?.reference_id ?? node.workflow_node?.sub_workflow_ref ?? node.workflow_node?.launchplan_ref;
  return shortName(ref?.name ?? node.metadata?.name);
}

export function nodeRows(executions: NodeExecution[], workflow: Workflow | null): NodeRow[] {
  const compiled = new Map<string, CompiledNode>();
  for (const node of workflow?.closure?.compiled_workflow?.primary?.template?.nodes ?? []) compiled.set(node.id, node);
  return executions
    .filter((e) => !HIDDEN.has(e.id.node_id))
    .map((e) => ({
      nodeId: e.id.node_id,
      runs: runsOf(compiled.get(e.metadata?.spec_node_id || e.id.node_id)),
      execution: e,
    }));
}
