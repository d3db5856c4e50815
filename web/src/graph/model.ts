// The graph a compiled workflow draws: its nodes (with what each runs) and the edges between them,
// sub-workflows, branches and the workflows dynamic nodes generated (once known) nested as graphs
// of their own. Each node carries the id its node
// execution has at run time — `parent-0-child` below a sub-workflow or branch, as the engine names
// children — so phases polled from node executions find their node.
import type { CompiledClosure, CompiledNode, CompiledWorkflow, Identifier, Workflow } from "../api";

export type NodeKind = "start" | "end" | "task" | "workflow" | "launchplan" | "branch" | "map" | "gate" | "node";

export interface GraphNode {
  id: string; // the compiled node id, unique in its graph
  key: string; // the node execution's id
  label: string; // what it runs (short name), or its id
  kind: NodeKind;
  children?: Graph; // sub-workflow or branch alternatives
}

export interface Graph {
  nodes: GraphNode[];
  edges: { from: string; to: string }[];
}

const START = "start-node";
const END = "end-node";
const MAX_DEPTH = 12; // a compiled closure cannot recurse; this only bounds a malformed one

export function childKey(parentKey: string, id: string): string {
  return `${parentKey}-0-${id}`;
}

// "myapp.workflows.square" → "square".
export function shortName(name: string | undefined): string {
  if (!name) return "";
  return name.slice(name.lastIndexOf(".") + 1);
}

export const sameId = (a: Identifier | undefined, b: Identifier | undefined) =>
  !!a && !!b && a.name === b.name && (a.version ?? "") === (b.version ?? "") && a.project === b.project;

interface Scope {
  sub: (ref: Identifier | undefined) => CompiledWorkflow | undefined;
  dynamic: Map<string, CompiledClosure>; // by the dynamic node's execution id
}

const lookup = (closures: (CompiledClosure | undefined)[]) => (ref: Identifier | undefined) => {
  for (const c of closures) {
    const found = c?.sub_workflows?.find((s) => sameId(s.template?.id, ref));
    if (found) return found;
  }
  return undefined;
};

function kindOf(node: CompiledNode): NodeKind {
  if (node.id === START) return "start";
  if (node.id === END) return "end";
  if (node.task_node) return "task";
  if (node.workflow_node?.sub_workflow_ref) return "workflow";
  if (node.workflow_node?.launchplan_ref) return "launchplan";
  if (node.branch_node) return "branch";
  if (node.array_node) return "map";
  if (node.gate_node) return "gate";
  return "node";
}

// flytekit names a map task's task `map_<task>_<hash of the mapped task>-arraynode`.
const MAPPED = /^map_(.+)_[0-9a-f]{32}-arraynode$/;

function labelOf(node: CompiledNode): string {
  const inner = node.array_node?.node ?? node;
  const ref = inner.task_node?.reference_id ?? inner.workflow_node?.sub_workflow_ref ?? inner.workflow_node?.launchplan_ref;
  if (node.id === START) return "start";
  if (node.id === END) return "end";
  const name = shortName(ref?.name);
  return name.replace(MAPPED, "$1") || node.metadata?.name || node.id;
}

function branchGraph(node: CompiledNode, key: string, scope: Scope, depth: number): Graph {
  const block = node.branch_node?.if_else;
  const alternatives = [block?.case?.then_node, ...(block?.other ?? []).map((o) => o.then_node), block?.else_node];
  return {
    nodes: alternatives.filter((n): n is CompiledNode => !!n).map((n) => graphNode(n, key, scope, depth + 1)),
    edges: [],
  };
}

function graphNode(node: CompiledNode, parentKey: string | null, scope: Scope, depth: number): GraphNode {
  const key = parentKey === null ? node.id : childKey(parentKey, node.id);
  const out: GraphNode = { id: node.id, key, label: labelOf(node), kind: kindOf(node) };
  const generated = scope.dynamic.get(key);
  if (depth >= MAX_DEPTH) return out;
  if (generated?.primary) {
    const sub = lookup([generated]);
    out.children = scopeGraph(generated.primary, key, { ...scope, sub: (r) => sub(r) ?? scope.sub(r) }, depth + 1);
  } else if (out.kind === "workflow") {
    const sub = scope.sub(node.workflow_node?.sub_workflow_ref);
    if (sub) out.children = scopeGraph(sub, key, scope, depth + 1);
  } else if (out.kind === "branch") {
    out.children = branchGraph(node, key, scope, depth);
  }
  return out;
}

// One workflow's nodes and edges. Edges come from the compiler's connections (which include the
// start and end nodes), else from each node's upstream ids.
function scopeGraph(workflow: CompiledWorkflow, parentKey: string | null, scope: Scope, depth: number): Graph {
  const compiled = workflow.template?.nodes ?? [];
  const nodes = compiled.map((n) => graphNode(n, parentKey, scope, depth));
  const known = new Set(nodes.map((n) => n.id));
  const edges: Graph["edges"] = [];
  const upstream = workflow.connections?.upstream;
  for (const node of compiled) {
    const from = upstream ? (upstream[node.id]?.ids ?? []) : (node.upstream_node_ids ?? []);
    for (const id of from) edges.push({ from: id, to: node.id });
  }
  if (upstream?.[END]) for (const id of upstream[END].ids ?? []) edges.push({ from: id, to: END });
  for (const id of [START, END]) {
    if (!known.has(id) && edges.some((e) => e.from === id || e.to === id)) {
      const key = parentKey === null ? id : childKey(parentKey, id);
      nodes[id === START ? "unshift" : "push"]({ id, key, label: id === START ? "start" : "end", kind: id === START ? "start" : "end" });
      known.add(id);
    }
  }
  const seen = new Set<string>();
  return {
    nodes,
    edges: edges.filter((e) => {
      const k = `${e.from}\n${e.to}`;
      if (!known.has(e.from) || !known.has(e.to) || seen.has(k)) return false;
      seen.add(k);
      return true;
    }),
  };
}

export function workflowGraph(
  workflow: Workflow | null,
  dynamic: Map<string, CompiledClosure> = new Map(),
): Graph | null {
  const compiled = workflow?.closure?.compiled_workflow;
  if (!compiled?.primary?.template) return null;
  return scopeGraph(compiled.primary, null, { sub: lookup([compiled]), dynamic }, 0);
}

// Every node, nested ones right after their parent.
export function allNodes(graph: Graph | null, out: GraphNode[] = []): GraphNode[] {
  for (const node of graph?.nodes ?? []) {
    out.push(node);
    allNodes(node.children ?? null, out);
  }
  return out;
}

// The boxes (nodes holding a graph) of a graph, nested ones included.
export function boxKeys(graph: Graph): string[] {
  return allNodes(graph)
    .filter((n) => n.children && n.children.nodes.length > 0)
    .map((n) => n.key);
}
