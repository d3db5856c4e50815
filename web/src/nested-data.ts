// Polls what the Graph and Timeline tabs need beyond the page's top-level node executions: the
// children of every parent node (sub-workflows, branches; recursively) and the attempts (task
// executions) of the nodes `wantsAttempts` picks (map nodes for the graph, every task node of a
// small execution for the timeline), every second while the execution runs, once more when it
// ends. A node that had ended when last fetched is not fetched again. `scope` names what
// `wantsAttempts` depends on (the graph, once loaded): a new scope starts over.
import { useSignal, type Signal } from "@preact/signals";
import { useRef } from "preact/hooks";

import { api, type ExecutionId, type NodeExecution, type TaskExecution } from "./api";
import { useLivePolling } from "./live";
import { isTerminal } from "./phase";

export interface NestedData {
  children: NodeExecution[];
  attempts: Map<string, TaskExecution[]>;
}

export function useNestedData(
  id: ExecutionId,
  top: NodeExecution[] | null,
  wantsAttempts: (node: NodeExecution) => boolean,
  scope: string,
  live: boolean,
  paused: boolean,
): Signal<NestedData> {
  const data = useSignal<NestedData>({ children: [], attempts: new Map() });
  const latest = useRef({ top, wantsAttempts });
  latest.current = { top, wantsAttempts };
  const done = useRef(new Map<string, NodeExecution[] | TaskExecution[]>()); // ended when fetched
  useLivePolling(
    async (current) => {
      const { top: nodes, wantsAttempts: wants } = latest.current;
      if (nodes === null) return true;
      const children: NodeExecution[] = [];
      const attempts = new Map<string, TaskExecution[]>();
      let level = nodes;
      while (level.length > 0) {
        const parents = level.filter((n) => n.metadata?.is_parent_node);
        const mapped = level.filter(wants);
        const [kids, tasks] = await Promise.all([
          Promise.all(parents.map((n) => fetchOnce(n, () => api.childNodeExecutions(id, n.id.node_id).then((r) => r.node_executions ?? [])))),
          Promise.all(mapped.map((n) => fetchOnce(n, () => api.taskExecutions(id, n.id.node_id).then((r) => r.task_executions ?? [])))),
        ]);
        mapped.forEach((n, i) => attempts.set(n.id.node_id, tasks[i] as TaskExecution[]));
        level = (kids as NodeExecution[][]).flat();
        children.push(...level);
      }
      if (!current()) return false;
      data.value = { children, attempts };
      return live;
    },
    null,
    () => undefined, // the graph still shows the top level; the page reports its own errors
    `${id.project}/${id.domain}/${id.name}/${scope}/${live}`,
    paused,
  );

  async function fetchOnce<T>(node: NodeExecution, load: () => Promise<T[]>): Promise<T[]> {
    const key = node.id.node_id;
    const cached = done.current.get(key);
    if (cached) return cached as T[];
    const result = await load();
    if (isTerminal(node.closure.phase)) done.current.set(key, result as NodeExecution[] | TaskExecution[]);
    return result;
  }
  return data;
}
