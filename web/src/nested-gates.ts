// The node executions inside running nodes that hold a gate (gates.ts `holdsGate`: a sub-workflow
// or branch with a gate somewhere in it), read level by level, so the execution page can list a
// gate waiting at any depth, not only at the top. One request per running holder per poll; an
// execution without nested gates costs nothing more.
import { api, type ExecutionId, type NodeExecution, type Workflow } from "./api";
import { holdsGate } from "./gates";

export async function nodesAroundGates(
  id: ExecutionId,
  top: NodeExecution[],
  workflow: Workflow | null,
): Promise<NodeExecution[]> {
  const found: NodeExecution[] = [];
  let level = top;
  while (level.length > 0) {
    const holders = level.filter((n) => n.closure.phase === "RUNNING" && holdsGate(workflow, n.id.node_id));
    const children = await Promise.all(holders.map((h) => api.nodeExecutions(id, h.id.node_id)));
    level = children.flatMap((reply) => reply.node_executions ?? []);
    found.push(...level);
  }
  return found;
}
