// Gate nodes (flytekit's approve, wait_for_input and sleep): what a gate waits for, from its
// compiled node, and which gates of an execution are waiting now. A gate that waits is RUNNING to
// the engine; the console shows it as "Waiting" (FlyteConsole: "Paused") and offers what it needs:
// Approve/Reject, a typed value, or the time it wakes up. Setting a signal is the gateway's
// `POST /api/v1/signals` (SetSignal), as FlyteConsole's Resume form sends it.
import type { CompiledClosure, CompiledNode, NodeExecution, Workflow } from "./api";
import { formatTimestamp, parseDurationMs } from "./format";
import type { Literal } from "./literals";
import type { LiteralType } from "./types";

export type Gate =
  | { kind: "approve"; signalId: string }
  | { kind: "signal"; signalId: string; type: LiteralType; output: string }
  | { kind: "sleep"; durationMs: number | null };

export function gateOf(node: CompiledNode | undefined): Gate | null {
  const gate = node?.gate_node;
  if (!gate) return null;
  if (gate.approve) return { kind: "approve", signalId: gate.approve.signal_id ?? "" };
  if (gate.signal) {
    const { signal_id = "", type = {}, output_variable_name = "" } = gate.signal;
    return { kind: "signal", signalId: signal_id, type, output: output_variable_name };
  }
  if (gate.sleep) return { kind: "sleep", durationMs: parseDurationMs(gate.sleep.duration) };
  return null;
}

// The nodes a node holds in its own scope: a sub-workflow's, or a branch's alternatives.
function innerNodes(node: CompiledNode, closure: CompiledClosure): CompiledNode[] {
  const ref = node.workflow_node?.sub_workflow_ref?.name;
  if (ref) return closure.sub_workflows?.find((s) => s.template?.id?.name === ref)?.template?.nodes ?? [];
  const branch = node.branch_node?.if_else;
  if (!branch) return [];
  const alternatives = [branch.case?.then_node, ...(branch.other ?? []).map((o) => o.then_node), branch.else_node];
  return alternatives.filter((n): n is CompiledNode => !!n);
}

// The workflows dynamic nodes generated (`data/node_executions/...`'s `dynamic_workflow`), by the
// dynamic node's run-time id: what the compiled workflow does not hold.
export type Generated = ReadonlyMap<string, CompiledClosure>;

// Walks the compiled nodes a node execution id can name: a top-level id ("n1"), or a nested one,
// its parent's id, "-0-" and its id in the parent's scope ("n0-0-n1", as the engine and
// flytepropeller name them), through sub-workflows, branches and, once `generated` holds what a
// dynamic node made, the nodes of that workflow ("n0-0-dn1"). `visit` gets each node with its
// run-time id and the closure its scope belongs to; it answers true to go into the node.
function walk(
  workflow: Workflow | null,
  generated: Generated,
  visit: (node: CompiledNode, runId: string, scope: CompiledClosure) => boolean,
) {
  const go = (nodes: CompiledNode[], scope: CompiledClosure, prefix: string) => {
    for (const n of nodes) {
      const runId = prefix + n.id;
      if (!visit(n, runId, scope)) continue;
      const made = generated.get(runId);
      if (made) go(made.primary?.template?.nodes ?? [], made, `${runId}-0-`);
      else go(innerNodes(n, scope), scope, `${runId}-0-`);
    }
  };
  const closure = workflow?.closure?.compiled_workflow;
  if (closure) go(closure.primary?.template?.nodes ?? [], closure, "");
}

// The compiled node of a node execution by its run-time id (see `walk`). Undefined for what is
// not known (a dynamic node's children before its generated workflow is read).
export function compiledNodeAt(workflow: Workflow | null, nodeId: string, generated: Generated = new Map()) {
  let found: CompiledNode | undefined;
  walk(workflow, generated, (n, runId) => {
    if (runId === nodeId) found = n;
    return !found && nodeId.startsWith(`${runId}-0-`);
  });
  return found;
}

// Whether a node holds a gate somewhere inside it (a sub-workflow's, a branch's or a generated
// workflow's nodes, at any depth): the nodes whose children the execution page reads to list
// every waiting gate.
export function holdsGate(workflow: Workflow | null, nodeId: string, generated: Generated = new Map()): boolean {
  let holds = false;
  walk(workflow, generated, (n, runId) => {
    if (runId.startsWith(`${nodeId}-0-`) && n.gate_node) holds = true;
    return !holds && (runId === nodeId || nodeId.startsWith(`${runId}-0-`) || runId.startsWith(`${nodeId}-0-`));
  });
  return holds;
}

// What a node execution waits for when it is a gate, at any depth.
export const gateAt = (workflow: Workflow | null, nodeId: string, generated?: Generated): Gate | null =>
  gateOf(compiledNodeAt(workflow, nodeId, generated));

export const isWaiting = (node: NodeExecution | undefined) => node?.closure.phase === "RUNNING";

// The phase a node is shown with: a gate that is running waits.
export function shownPhase(phase: string | undefined, gate: boolean): string | undefined {
  return gate && phase === "RUNNING" ? "PAUSED" : phase;
}

export interface WaitingGate {
  nodeId: string;
  gate: Gate;
  node: NodeExecution;
}

// The gates waiting now among `nodes` (top-level or nested), in start order.
export function waitingGates(
  nodes: NodeExecution[] | null,
  workflow: Workflow | null,
  generated?: Generated,
): WaitingGate[] {
  const out: WaitingGate[] = [];
  for (const node of nodes ?? []) {
    const gate = isWaiting(node) ? gateAt(workflow, node.id.node_id, generated) : null;
    if (gate) out.push({ nodeId: node.id.node_id, gate, node });
  }
  return out;
}

// What a waiting gate does, in a few words: "waits for approval (signal approve-it)".
export function gateNeeds(gate: Gate, startedAt: string | undefined): string {
  if (gate.kind === "approve") return `waits for approval (signal ${gate.signalId})`;
  if (gate.kind === "signal") return `waits for a value of signal ${gate.signalId}`;
  return `sleeps until ${wakeTime(gate, startedAt) ?? "the end of its sleep"}`;
}

// A sleep gate wakes at its start plus its duration (as the engine counts it).
export function wakeTime(gate: Gate, startedAt: string | undefined): string | null {
  if (gate.kind !== "sleep" || gate.durationMs === null || !startedAt) return null;
  const start = Date.parse(startedAt);
  if (Number.isNaN(start)) return null;
  return formatTimestamp(new Date(start + gate.durationMs).toISOString());
}

// Approve and reject are the boolean FlyteConsole sends.
export const approval = (approved: boolean): Literal => ({ scalar: { primitive: { boolean: approved } } });
