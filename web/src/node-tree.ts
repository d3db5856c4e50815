// The Nodes tab as a tree: top-level node executions, and under each expanded parent its
// children (a sub-workflow's or a dynamic node's node executions, named from the compiled
// sub-workflow or the workflow the dynamic node generated; a map task's items by index).
// What each node is (task, sub-workflow, launch plan, dynamic, map, branch, gate) comes from the
// compiled workflow where it says, else from the node execution's metadata; a launch plan node
// links to its child execution; cache status and attempt counts are shown as symbol + word.
import type { CompiledNode, ExecutionId, ExternalResource, NodeExecution, TaskExecution, Workflow } from "./api";
import { nodeRows, runsOf } from "./nodes";
import { phaseInfo } from "./phase";

export type NodeKind = "task" | "sub-workflow" | "launch plan" | "dynamic" | "map" | "branch" | "gate" | "node";

export interface TreeRow {
  key: string; // unique among rows: the node execution's id, or "<map node>[<index>]"
  nodeId: string; // the node execution's id (a map item's: its map node's)
  depth: number;
  runs: string;
  kind: NodeKind | "map item";
  execution?: NodeExecution; // absent for map items
  item?: ExternalResource;
  expandable: boolean;
  expanded: boolean;
  childExecution?: ExecutionId;
  cache?: string; // cache status as words, "" when the cache is not in play
  attempts?: number;
  counts?: string; // a map node's items by phase: "3 succeeded, 1 failed"
}

// Whether two rows (of two renders) show the same thing: treeRows makes new rows on every
// render, and a 1,000-row tab must not redraw every row when one node's attempts arrive.
export function sameRow(a: TreeRow, b: TreeRow): boolean {
  return (
    a.key === b.key &&
    a.nodeId === b.nodeId &&
    a.depth === b.depth &&
    a.runs === b.runs &&
    a.kind === b.kind &&
    a.execution === b.execution &&
    a.item === b.item &&
    a.expandable === b.expandable &&
    a.expanded === b.expanded &&
    a.childExecution?.name === b.childExecution?.name &&
    a.childExecution?.project === b.childExecution?.project &&
    a.childExecution?.domain === b.childExecution?.domain &&
    a.cache === b.cache &&
    a.attempts === b.attempts &&
    a.counts === b.counts
  );
}

export interface TreeState {
  children: Map<string, NodeExecution[]>; // by parent node id, once fetched
  attempts: Map<string, TaskExecution[]>; // by node id, once fetched
  generated: Map<string, CompiledNode[]>; // a dynamic node's generated nodes, once fetched
  expanded: Set<string>;
}

const CACHE: Record<string, string> = {
  CACHE_HIT: "↺ cache hit",
  CACHE_POPULATED: "⤓ cached",
  CACHE_MISS: "cache miss",
  CACHE_LOOKUP_FAILURE: "⚠ cache lookup failed",
  CACHE_PUT_FAILURE: "⚠ cache write failed",
  CACHE_SKIPPED: "cache skipped",
  CACHE_EVICTED: "cache evicted",
};

export function cacheText(status: string | undefined): string {
  return (status && CACHE[status]) || "";
}

export function nodeKind(execution: NodeExecution, compiled: CompiledNode | undefined): NodeKind {
  if (compiled?.workflow_node?.launchplan_ref || childExecutionOf(execution)) return "launch plan";
  if (compiled?.workflow_node?.sub_workflow_ref) return "sub-workflow";
  if (compiled?.array_node || execution.metadata?.is_array) return "map";
  if (execution.metadata?.is_dynamic) return "dynamic";
  if (compiled?.branch_node) return "branch";
  if (compiled?.gate_node) return "gate";
  if (compiled?.task_node) return "task";
  return execution.metadata?.is_parent_node ? "sub-workflow" : "node";
}

export function childExecutionOf(execution: NodeExecution): ExecutionId | undefined {
  const meta = execution.closure.workflow_node_metadata;
  const id = meta?.execution_id ?? meta?.executionId;
  return id?.name ? id : undefined;
}

// "3 succeeded, 1 failed", most common first; phases as words.
export function phaseCounts(items: ExternalResource[]): string {
  const counts = new Map<string, number>();
  for (const item of items) {
    const label = phaseInfo(item.phase).label.toLowerCase();
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([label, n]) => `${n} ${label}`)
    .join(", ");
}

// flytekit names a map task "map_<task>_<32 hex digits>[-arraynode]": show the task it maps.
export function mapTaskName(name: string): string {
  return /^map_(.+)_[0-9a-f]{32}(?:-arraynode)?$/.exec(name)?.[1] ?? name;
}

function compiledIndex(workflow: Workflow | null) {
  const top = new Map<string, CompiledNode>();
  for (const n of workflow?.closure?.compiled_workflow?.primary?.template?.nodes ?? []) top.set(n.id, n);
  const subs = new Map<string, CompiledNode[]>();
  for (const s of workflow?.closure?.compiled_workflow?.sub_workflows ?? []) {
    if (s.template?.id?.name) subs.set(s.template.id.name, s.template.nodes ?? []);
  }
  return { top, subs };
}

function mapItems(attempts: TaskExecution[] | undefined): ExternalResource[] {
  const last = attempts?.[attempts.length - 1];
  return [...(last?.closure.metadata?.external_resources ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
}

export function treeRows(top: NodeExecution[], workflow: Workflow | null, state: TreeState): TreeRow[] {
  const { top: compiledTop, subs } = compiledIndex(workflow);
  const rows: TreeRow[] = [];
  const add = (executions: NodeExecution[], depth: number, compiled: Map<string, CompiledNode>) => {
    for (const { nodeId, execution } of nodeRows(executions, null)) {
      const node = compiled.get(execution.metadata?.spec_node_id || nodeId);
      const kind = nodeKind(execution, node);
      const attempts = state.attempts.get(nodeId);
      const items = kind === "map" ? mapItems(attempts) : [];
      const expandable = kind === "map" ? items.length > 0 : Boolean(execution.metadata?.is_parent_node);
      const expanded = expandable && state.expanded.has(nodeId);
      rows.push({
        key: nodeId,
        nodeId,
        depth,
        runs: mapTaskName(runsOf(node) || attempts?.[0]?.id.task_id.name.split(".").pop() || ""),
        kind,
        execution,
        expandable,
        expanded,
        childExecution: childExecutionOf(execution),
        cache: cacheText(execution.closure.task_node_metadata?.cache_status),
        attempts: kind === "map" || !attempts?.length ? undefined : attempts.length, // none: from the cache
        counts: kind === "map" && items.length ? phaseCounts(items) : undefined,
      });
      if (!expanded) continue;
      if (kind === "map") {
        for (const item of items) {
          rows.push({
            key: `${nodeId}[${item.index ?? 0}]`,
            nodeId,
            depth: depth + 1,
            runs: `item ${item.index ?? 0}`,
            kind: "map item",
            item,
            expandable: false,
            expanded: false,
            cache: cacheText(item.cache_status),
            attempts: (item.retry_attempt ?? 0) + 1,
          });
        }
        continue;
      }
      const subRef = node?.workflow_node?.sub_workflow_ref?.name;
      const childNodes = kind === "dynamic" ? state.generated.get(nodeId) : subRef ? subs.get(subRef) : undefined;
      const childCompiled = new Map((childNodes ?? []).map((n) => [n.id, n]));
      add(state.children.get(nodeId) ?? [], depth + 1, childCompiled);
    }
  };
  add(top, 0, compiledTop);
  return rows;
}
