// Gate nodes (flytekit's approve, wait_for_input and sleep): what a gate waits for, from its
// compiled node, and which gates of an execution are waiting now. A gate that waits is RUNNING to
// the engine; the console shows it as "Waiting" (FlyteConsole: "Paused") and offers what it needs:
// Approve/Reject, a typed value, or the time it wakes up. Setting a signal is the gateway's
// `POST /api/v1/signals` (SetSignal), as FlyteConsole's Resume form sends it.
import type { CompiledNode, NodeExecution, Workflow } from "./api";
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

// The compiled node of a top-level node execution. (Gates inside sub-workflows show their phase
// but no controls yet.)
export function topLevelGate(workflow: Workflow | null, nodeId: string): Gate | null {
  const nodes = workflow?.closure?.compiled_workflow?.primary?.template?.nodes ?? [];
  return gateOf(nodes.find((n) => n.id === nodeId));
}

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

// The top-level gates waiting now, in start order.
export function waitingGates(nodes: NodeExecution[] | null, workflow: Workflow | null): WaitingGate[] {
  const out: WaitingGate[] = [];
  for (const node of nodes ?? []) {
    const gate = isWaiting(node) ? topLevelGate(workflow, node.id.node_id) : null;
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
