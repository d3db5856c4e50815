// What each graph node shows, from the node executions polled (top level and the children of
// sub-workflows and branches, keyed by their run-time ids) and, for map nodes, the items of the
// latest attempt (one external resource per item): done/total.
import type { NodeExecution, TaskExecution } from "../api";
import { isTerminal } from "../phase";
import type { Statuses } from "./view";

export function mapProgress(attempts: TaskExecution[]): { done: number; total: number } | null {
  const latest = attempts.reduce<TaskExecution | null>(
    (a, b) => (a === null || (b.id.retry_attempt ?? 0) >= (a.id.retry_attempt ?? 0) ? b : a),
    null,
  );
  const items = latest?.closure.metadata?.external_resources;
  if (!items) return null;
  return { done: items.filter((r) => isTerminal(r.phase)).length, total: items.length };
}

export function nodeStatuses(executions: Iterable<NodeExecution>, maps: Map<string, TaskExecution[]>): Statuses {
  const out: Statuses = new Map();
  for (const e of executions) {
    const progress = maps.has(e.id.node_id) ? mapProgress(maps.get(e.id.node_id)!) : null;
    out.set(e.id.node_id, { phase: e.closure.phase, ...(progress ?? {}) });
  }
  return out;
}
