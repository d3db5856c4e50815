// The launch form's values and Flyte literals (proto3 JSON): what a field shows for a literal
// (a launch plan's default) and the literal its text makes, for the simple types (int, float,
// str, bool, datetime, duration, enum), lists and maps written as plain JSON, and any type at
// all as literal JSON (the escape hatch, CONSOLE.md R10). Pure: the form is in pages/launch.tsx.
import type { Literal } from "./literals";
import type { LiteralType } from "./types";

export type FieldKind = "int" | "float" | "str" | "bool" | "datetime" | "duration" | "enum" | "json" | "literal";

const SIMPLE_KINDS: Record<string, FieldKind> = {
  INTEGER: "int",
  FLOAT: "float",
  STRING: "str",
  BOOLEAN: "bool",
  DATETIME: "datetime",
  DURATION: "duration",
  STRUCT: "json",
};

// How a value of `type` is typed in: a widget of its own, plain JSON, or literal JSON only.
export function fieldKind(type: LiteralType): FieldKind {
  if (type.simple) return SIMPLE_KINDS[type.simple] ?? "literal";
  if (type.enum_type) return "enum";
  if (type.collection_type || type.map_value_type) return "json";
  return "literal";
}

const INTEGER = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const primitive = (p: Record<string, unknown>): Literal => ({ scalar: { primitive: p } });

// "2026-11-29T10:00:00Z", "2026-11-29 10:00:00+01:00", "2026-11-29" (UTC unless a zone is given)
// → RFC 3339 in UTC, without the milliseconds when there are none.
export function parseDatetime(text: string): string {
  const t = text.trim().replace(" ", "T");
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(t) || !t.includes("T") ? t : t + "Z";
  const ms = /^\d{4}-\d\d-\d\d/.test(t) ? Date.parse(zoned) : NaN;
  if (Number.isNaN(ms)) throw new Error("not a date and time: use ISO 8601, such as 2026-11-29T10:00:00Z");
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

// "90s", "1.5s", "1h30m", "2m", "250ms", "PT1H30M", a bare number of seconds → "5400s" (proto3 JSON).
export function parseDuration(text: string): string {
  const t = text.trim();
  let seconds: number | null = null;
  const iso = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(t);
  if (iso && t.length > 2) {
    seconds = Number(iso[1] ?? 0) * 3600 + Number(iso[2] ?? 0) * 60 + Number(iso[3] ?? 0);
  } else if (FLOAT.test(t)) {
    seconds = Number(t);
  } else if (/^(-?\d+(\.\d+)?(h|ms|m|s))+$/.test(t)) {
    seconds = 0;
    for (const [, n, unit] of t.matchAll(/(-?\d+(?:\.\d+)?)(h|ms|m|s)/g)) seconds += Number(n) * UNIT_SECONDS[unit];
  }
  if (seconds === null || !Number.isFinite(seconds)) throw new Error("not a duration: use 90s, 1h30m or PT1H30M");
  return Number.isInteger(seconds) ? `${seconds}s` : `${seconds.toFixed(9).replace(/0+$/, "")}s`;
}

// A value typed as text (one field) → its literal.
export function textToLiteral(type: LiteralType, text: string): Literal {
  const kind = fieldKind(type);
  const t = text.trim();
  switch (kind) {
    case "int":
      if (!INTEGER.test(t)) throw new Error("not an integer");
      return primitive({ integer: BigInt(t).toString() }); // int64 kept exact: a string in JSON
    case "float":
      if (!FLOAT.test(t)) throw new Error("not a number");
      return primitive({ float_value: Number(t) });
    case "str":
      return primitive({ string_value: text });
    case "bool":
      if (t !== "true" && t !== "false") throw new Error("not true or false");
      return primitive({ boolean: t === "true" });
    case "datetime":
      return primitive({ datetime: parseDatetime(t) });
    case "duration":
      return primitive({ duration: parseDuration(t) });
    case "enum":
      if (!(type.enum_type?.values ?? []).includes(text)) throw new Error("not one of the values");
      return primitive({ string_value: text });
    case "json":
      return jsonToLiteral(type, parseJson(t), "");
    case "literal":
      return parseLiteralJson(t);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
}

// The escape hatch: a literal exactly as the gateway takes it ({"scalar": ...}, {"collection": ...}, ...).
export function parseLiteralJson(text: string): Literal {
  const value = parseJson(text) as Literal;
  if (typeof value !== "object" || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
    throw new Error('not a literal: an object such as {"scalar": {"primitive": {"integer": "1"}}}');
  }
  return value;
}

// A plain JSON value (an element of a list or map, or a struct) → the literal of `type`.
function jsonToLiteral(type: LiteralType, value: unknown, path: string): Literal {
  const at = path ? ` at ${path}` : "";
  const kind = fieldKind(type);
  if (type.collection_type) {
    if (!Array.isArray(value)) throw new Error(`expected a JSON list${at}`);
    return { collection: { literals: value.map((v, i) => jsonToLiteral(type.collection_type!, v, `${path}[${i}]`)) } };
  }
  if (type.map_value_type) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`expected a JSON object${at}`);
    const literals: Record<string, Literal> = {};
    for (const [k, v] of Object.entries(value)) literals[k] = jsonToLiteral(type.map_value_type, v, `${path}.${k}`);
    return { map: { literals } };
  }
  if (type.simple === "STRUCT") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`expected a JSON object${at}`);
    return { scalar: { generic: value } };
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const expected: Record<string, string> = { str: "string", enum: "string", datetime: "string", bool: "boolean" };
  if (expected[kind] && typeof value !== expected[kind]) throw new Error(`expected a ${expected[kind]}${at}`);
  if ((kind === "int" || kind === "float") && typeof value !== "number" && !(kind === "int" && typeof value === "string")) {
    throw new Error(`expected a number${at}`);
  }
  if (kind === "literal") throw new Error(`cannot be written as plain JSON${at}: edit the field as literal JSON`);
  try {
    return textToLiteral(type, text);
  } catch (e) {
    throw new Error(`${(e as Error).message}${at}`);
  }
}

type Primitive = Record<string, unknown>;
// The primitive field each simple kind's literal sets.
const PRIMITIVE_FIELD: Record<string, string> = {
  int: "integer",
  float: "float_value",
  str: "string_value",
  enum: "string_value",
  bool: "boolean",
  datetime: "datetime",
  duration: "duration",
};
const primitiveOf = (literal: Literal): Primitive => (literal.scalar?.primitive ?? {}) as Primitive;

// A literal (a default) → what its field shows; throws when the field cannot show it, and the
// form then offers the literal JSON instead (a dataclass sent as msgpack, say).
export function literalToText(type: LiteralType, literal: Literal): string {
  const kind = fieldKind(type);
  if (kind === "json") return JSON.stringify(literalToJson(type, literal));
  if (kind === "literal") return JSON.stringify(literal);
  const value = primitiveOf(literal)[PRIMITIVE_FIELD[kind]];
  if (value === undefined) throw new Error("a literal of another type");
  return String(value);
}

function literalToJson(type: LiteralType, literal: Literal): unknown {
  if (type.collection_type) {
    if (!literal.collection) throw new Error("not a collection");
    return (literal.collection.literals ?? []).map((l) => literalToJson(type.collection_type!, l));
  }
  if (type.map_value_type) {
    if (!literal.map) throw new Error("not a map");
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(literal.map.literals ?? {})) out[k] = literalToJson(type.map_value_type, v);
    return out;
  }
  if (type.simple === "STRUCT") {
    if (!literal.scalar?.generic) throw new Error("not a JSON struct");
    return literal.scalar.generic;
  }
  const text = literalToText(type, literal);
  const kind = fieldKind(type);
  if (kind === "int") return Number.isSafeInteger(Number(text)) ? Number(text) : text;
  if (kind === "float") return Number(text);
  if (kind === "bool") return text === "true";
  return text;
}
