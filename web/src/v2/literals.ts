// Flyte 2's inputs and outputs in the shape the console's literal renderer reads (../literals.ts).
// flyteidl2 reuses flyteidl's core Literal, but Connect's JSON names fields in camelCase
// (`stringValue`) where the /api/v1 gateway keeps proto names (`string_value`), and it sends a
// task's values as a list of named literals rather than a map: both are undone here.
import type { Literal, LiteralMap } from "../literals";

export type LiteralJson = Record<string, unknown>;

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());

// Field names to proto names, everywhere but where keys are the user's: a map literal's keys
// (its values are literals again) and a Struct (`generic`: JSON the user's code wrote).
function protoNames(value: unknown, parent = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => protoNames(v, parent));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "generic") out[key] = v;
    else if (parent === "map" && key === "literals" && v && typeof v === "object" && !Array.isArray(v)) {
      out[key] = Object.fromEntries(Object.entries(v).map(([name, lit]) => [name, protoNames(lit)]));
    } else out[snake(key)] = protoNames(v, key);
  }
  return out;
}

export function v1Literal(literal: LiteralJson): Literal {
  return protoNames(literal) as Literal;
}

// `{literals: [{name, value}]}` (flyteidl2.task.Inputs / Outputs) as a literal map.
export function literalMapOf(values: { literals?: { name: string; value?: LiteralJson }[] } | undefined): LiteralMap {
  const literals: Record<string, Literal> = {};
  for (const { name, value } of values?.literals ?? []) literals[name] = v1Literal(value ?? {});
  return { literals };
}
