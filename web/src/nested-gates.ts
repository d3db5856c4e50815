// The node executions inside running nodes that hold a gate (gates.ts `holdsGate`: a sub-workflow,
// branch or dynamic node with a gate somewhere in it), read level by level, so the execution page
// can list a gate waiting at any depth, not only at the top. A running dynamic node's generated
// workflow is read until it is known (then kept: it does not change), since only it says whether
// the node holds a gate. One request per running holder per poll; an execution without nested
// gates or dynamic nodes costs nothing more.
import { api, type CompiledClosure, type ExecutionId, type NodeExecution, type Workflow } from "./api";
import { holdsGate, type Generated } from "./gates";

export interface AroundGates {
  nodes: NodeExecution[];
  generated: Generated;
}

export async function nodesAroundGates(
  id: ExecutionId,
  top: NodeExecution[],
  workflow: Workflow | null,
  known: Generated,
): Promise<AroundGates> {
  const found: NodeExecution[] = [];
  let generated = known;
  let level = top;
  while (level.length > 0) {
    // A dynamic node runs its generated workflow as DYNAMIC_RUNNING.
    const running = level.filter((n) => n.closure.phase === "RUNNING" || n.closure.phase === "DYNAMIC_RUNNING");
    const dynamic = running.filter((n) => n.metadata?.is_dynamic && n.metadata.is_parent_node && !generated.has(n.id.node_id));
    const made = await Promise.all(dynamic.map((n) => api.nodeData(id, n.id.node_id)));
    if (made.some((d) => d.dynamic_workflow?.compiled_workflow)) {
      const next = new Map<string, CompiledClosure>(generated);
      dynamic.forEach((n, i) => {
        const closure = made[i].dynamic_workflow?.compiled_workflow;
        if (closure) next.set(n.id.node_id, closure);
      });
      generated = next;
    }
    const holders = running.filter((n) => holdsGate(workflow, n.id.node_id, generated));
    const children = await Promise.all(holders.map((h) => api.nodeExecutions(id, h.id.node_id)));
    level = children.flatMap((reply) => reply.node_executions ?? []);
    found.push(...level);
  }
  return { nodes: found, generated };
}
