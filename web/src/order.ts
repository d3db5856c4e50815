// The order inputs, outputs and map keys are shown in. Flyte keeps interfaces and literal maps
// as proto maps, which carry no order (flytekit's protobuf writes a map's entries in a hash order
// that changes from one process to the next, and the gateway prints its own), so a map's order
// says nothing. Where Flyte does keep the order the user declared — a workflow's output bindings,
// a repeated field — that order comes first; every other name follows by name, digits compared
// as numbers, so flytekit's tuple outputs read o0, o1, o2, …, o10, not o0, o1, o10, o2.
import type { CompiledClosure, CompiledWorkflow } from "./api";
import { sameId } from "./graph/model";

const DIGITS = /(\d+)/;

// Numeric-aware, and deterministic: text parts by code unit (no locale), digit runs by value.
export function compareNames(a: string, b: string): number {
  const x = a.split(DIGITS);
  const y = b.split(DIGITS);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    if (i % 2 === 1) {
      // split() puts the captured digit runs at odd indices
      const m = x[i].replace(/^0+/, "");
      const n = y[i].replace(/^0+/, "");
      if (m.length !== n.length) return m.length - n.length;
      if (m !== n) return m < n ? -1 : 1;
      return x[i].length - y[i].length; // "1" before "01"
    }
    return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

// A map's entries: the declared names first in their order, then the rest by compareNames.
export function orderedEntries<T>(map: Record<string, T> | undefined, declared: readonly string[] = []): [string, T][] {
  const rank = new Map(declared.map((name, i) => [name, i]));
  return Object.entries(map ?? {}).sort(([a], [b]) => {
    const i = rank.get(a);
    const j = rank.get(b);
    if (i !== undefined || j !== undefined) return (i ?? Infinity) - (j ?? Infinity);
    return compareNames(a, b);
  });
}

// A workflow's outputs in the order it declares them (its output bindings).
export function declaredOutputs(workflow: CompiledWorkflow | undefined): string[] {
  return (workflow?.template?.outputs ?? []).map((b) => b.var ?? "").filter(Boolean);
}

// A top-level node's outputs in declared order, when it is a sub-workflow node (a task's
// interface keeps no order): its sub-workflow's output bindings.
export function nodeDeclaredOutputs(closure: CompiledClosure | undefined, nodeId: string): string[] {
  const node = closure?.primary?.template?.nodes?.find((n) => n.id === nodeId);
  const ref = node?.workflow_node?.sub_workflow_ref;
  return ref ? declaredOutputs(closure?.sub_workflows?.find((w) => sameId(w.template?.id, ref))) : [];
}
