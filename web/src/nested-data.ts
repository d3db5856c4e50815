// Polls what the Graph and Timeline tabs need beyond the page's top-level node executions: the
// children of every parent node (sub-workflows, branches, dynamic nodes; recursively), the
// attempts (task executions) of the nodes `attemptsOf` picks (map nodes for the graph, every task
// node of a small execution for the timeline) and, with `dynamic`, the workflow each dynamic node
// generated — every second while the execution runs, once more when it ends. What had ended when
// fetched is not fetched again, nor a generated workflow once known. `scope` names what
// `attemptsOf` depends on: a new scope starts over.
import { useSignal, type Signal } from "@preact/signals";
import { useRef } from "preact/hooks";

import { api, type CompiledClosure, type ExecutionId, type NodeExecution, type TaskExecution } from "./api";
import { useLivePolling } from "./live";
import { isTerminal } from "./phase";

export interface NestedData {
  children: NodeExecution[];
  attempts: Map<string, TaskExecution[]>;
  dynamic: Map<string, CompiledClosure>; // a new map only when a workflow was added
}

export interface NestedOptions {
  attemptsOf: (node: NodeExecution) => boolean;
  dynamic: boolean;
  scope: string;
  live: boolean;
  paused: boolean;
}

export function useNestedData(id: ExecutionId, top: NodeExecution[] | null, options: NestedOptions): Signal<NestedData> {
  const data = useSignal<NestedData>({ children: [], attempts: new Map(), dynamic: new Map() });
  const latest = useRef({ top, options });
  latest.current = { top, options };
  const ended = useRef(new Map<string, unknown>()); // "children n1", "attempts n2": fetched once ended

  async function fetchOnce<T>(what: string, node: NodeExecution, load: () => Promise<T>): Promise<T> {
    const key = `${what} ${node.id.node_id}`;
    if (ended.current.has(key)) return ended.current.get(key) as T;
    const result = await load();
    if (isTerminal(node.closure.phase)) ended.current.set(key, result);
    return result;
  }

  async function generated(nodes: NodeExecution[], known: Map<string, CompiledClosure>) {
    const wanted = nodes.filter((n) => n.metadata?.is_dynamic && n.metadata.is_parent_node && !known.has(n.id.node_id));
    const found = await Promise.all(wanted.map((n) => api.nodeData(id, n.id.node_id)));
    const added = wanted.filter((_, i) => found[i].dynamic_workflow?.compiled_workflow);
    if (added.length === 0) return known;
    const next = new Map(known);
    added.forEach((n) => next.set(n.id.node_id, found[wanted.indexOf(n)].dynamic_workflow!.compiled_workflow!));
    return next;
  }

  useLivePolling(
    async (current) => {
      const { top: nodes, options: o } = latest.current;
      if (nodes === null) return true;
      const children: NodeExecution[] = [];
      const attempts = new Map<string, TaskExecution[]>();
      let level = nodes;
      while (level.length > 0) {
        const parents = level.filter((n) => n.metadata?.is_parent_node);
        const mapped = level.filter(o.attemptsOf);
        const [kids, tasks] = await Promise.all([
          Promise.all(
            parents.map((n) =>
              fetchOnce("children", n, () => api.nodeExecutions(id, n.id.node_id).then((r) => r.node_executions ?? [])),
            ),
          ),
          Promise.all(
            mapped.map((n) =>
              fetchOnce("attempts", n, () => api.taskExecutions(id, n.id.node_id).then((r) => r.task_executions ?? [])),
            ),
          ),
        ]);
        mapped.forEach((n, i) => attempts.set(n.id.node_id, tasks[i]));
        level = kids.flat();
        children.push(...level);
      }
      const dynamic = o.dynamic ? await generated([...nodes, ...children], data.value.dynamic) : data.value.dynamic;
      if (!current()) return false;
      data.value = { children, attempts, dynamic };
      return o.live;
    },
    null,
    () => undefined, // the graph still shows the top level; the page reports its own errors
    `${id.project}/${id.domain}/${id.name}/${options.scope}/${options.live}`,
    options.paused,
  );
  return data;
}
