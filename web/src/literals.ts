// Flyte literals (proto3 JSON from the gateway) as short text: enough to read inputs and outputs.
// Basic on purpose; faithful rendering of every kind (msgpack decoding, offloaded literals,
// expandable trees) is a later slice (CONSOLE.md §4.3).

type Json = { [key: string]: unknown };

export interface Literal {
  scalar?: Json;
  collection?: { literals?: Literal[] };
  map?: { literals?: Record<string, Literal> };
  offloaded_metadata?: { uri?: string; size_bytes?: string };
}

function primitive(p: Json): string {
  if ("integer" in p) return String(p.integer); // int64 arrives as a string: kept exact
  if ("float_value" in p) return String(p.float_value);
  if ("string_value" in p) return JSON.stringify(p.string_value);
  if ("boolean" in p) return String(p.boolean);
  if ("datetime" in p) return String(p.datetime);
  if ("duration" in p) return String(p.duration);
  return JSON.stringify(p);
}

function scalar(s: Json): string {
  if (s.primitive) return primitive(s.primitive as Json);
  if ("none_type" in s) return "None";
  if (s.blob) return `blob ${(s.blob as Json).uri ?? ""}`;
  if (s.structured_dataset) return `structured dataset ${(s.structured_dataset as Json).uri ?? ""}`;
  if (s.union) return literalText(((s.union as Json).value ?? {}) as Literal);
  if (s.generic) return JSON.stringify(s.generic);
  if (s.binary) {
    const binary = s.binary as Json;
    const base64 = String(binary.value ?? "");
    const bytes = Math.floor((base64.length * 3) / 4) - (/=*$/.exec(base64)?.[0].length ?? 0);
    return `${binary.tag || "binary"} (${bytes} bytes)`;
  }
  if (s.error) return `error: ${(s.error as Json).message ?? ""}`;
  return JSON.stringify(s);
}

export interface LiteralMap {
  literals?: Record<string, Literal>;
}

export function literalText(literal: Literal): string {
  if (literal.scalar) return scalar(literal.scalar);
  if (literal.collection) return `[${(literal.collection.literals ?? []).map(literalText).join(", ")}]`;
  if (literal.map) {
    const entries = Object.entries(literal.map.literals ?? {});
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${literalText(v)}`).join(", ")}}`;
  }
  if (literal.offloaded_metadata) return `offloaded ${literal.offloaded_metadata.uri ?? ""}`;
  return "";
}
