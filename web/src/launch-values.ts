// The launch form's values and Flyte literals (proto3 JSON): what a field shows for a literal
// (a launch plan's default) and the literal its text makes, for the simple types (int, float,
// str, bool, datetime, duration, enum), files, directories and structured datasets (by URI),
// unions (a variant and its value), lists, maps and structs (dataclasses, pydantic models)
// written as plain JSON, and any type at all as literal JSON (the escape hatch, CONSOLE.md R10).
// Pure: the form is in pages/launch.tsx.
import { checkStruct, schemaFields } from "./json-schema";
import type { Literal } from "./literals";
import { base64Bytes, decodeMsgpack, type Msg } from "./msgpack";
import { typeText, type LiteralType } from "./types";

export type FieldKind =
  | "int"
  | "float"
  | "str"
  | "bool"
  | "datetime"
  | "duration"
  | "enum"
  | "file" // a blob: a file, or a directory when MULTIPART
  | "dataset"
  | "union"
  | "json"
  | "literal";

// What a field holds: its text, and for a union the variant chosen (the text is that variant's).
export interface FieldValue {
  text: string;
  variant?: number;
}

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
  if (type.blob) return "file";
  if (type.structured_dataset_type) return "dataset";
  if (type.union_type) return "union";
  return "literal";
}

const variantsOf = (type: LiteralType): LiteralType[] => type.union_type?.variants ?? [];
const NONE: Literal = { scalar: { none_type: {} } };
// flytekit picks the variant by the stored type's structure.tag: the variant's own type is sent.
const unionOf = (variant: LiteralType, value: Literal): Literal => ({ scalar: { union: { value, type: variant } } });

// A URI → the blob or structured dataset literal of `type` (its format and dimensionality).
function uriLiteral(type: LiteralType, uri: string): Literal {
  if (uri.trim() === "") throw new Error("a URI is needed");
  if (type.blob) {
    const blobType = { format: type.blob.format ?? "", dimensionality: type.blob.dimensionality ?? "SINGLE" };
    return { scalar: { blob: { uri: uri.trim(), metadata: { type: blobType } } } };
  }
  const format = { format: type.structured_dataset_type?.format ?? "" };
  return { scalar: { structured_dataset: { uri: uri.trim(), metadata: { structured_dataset_type: format } } } };
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

// A value typed as text (one field) → its literal; a union's text without a variant is plain JSON.
export function textToLiteral(type: LiteralType, text: string): Literal {
  return valueToLiteral(type, { text });
}

// A field's value → its literal.
export function valueToLiteral(type: LiteralType, value: FieldValue): Literal {
  const kind = fieldKind(type);
  const text = value.text;
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
    case "file":
    case "dataset":
      return uriLiteral(type, t);
    case "union": {
      if (value.variant === undefined) return jsonToLiteral(type, parseJson(t), "");
      const variant = variantsOf(type)[value.variant];
      if (!variant) throw new Error("no such variant");
      return unionOf(variant, variant.simple === "NONE" ? NONE : valueToLiteral(variant, { text }));
    }
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
    const fields = schemaFields(type.metadata); // a dataclass's or model's: its properties' types
    if (fields) checkStruct(fields, value, path.replace(/^\./, ""));
    return { scalar: { generic: value } };
  }
  if (type.union_type) return jsonToUnion(type, value, path);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const expected: Record<string, string> = {
    str: "string",
    enum: "string",
    datetime: "string",
    bool: "boolean",
    file: "string",
    dataset: "string",
  };
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

// A union's element in plain JSON: null is its None, else the first variant (in declared order)
// that takes the value (int | str: 1 is the int, "1" the str); literal JSON says which otherwise.
function jsonToUnion(type: LiteralType, value: unknown, path: string): Literal {
  const variants = variantsOf(type);
  const none = variants.find((v) => v.simple === "NONE");
  if (value === null) {
    if (!none) throw new Error(`None is not one of ${typeText(type)}${path ? ` at ${path}` : ""}`);
    return unionOf(none, NONE);
  }
  // A quoted number is an int only when no variant takes the string as it is.
  const numeric = (v: LiteralType) => v.simple === "INTEGER" || v.simple === "FLOAT";
  const candidates = variants.filter((v) => v !== none);
  const ordered = typeof value === "string" ? [...candidates.filter((v) => !numeric(v)), ...candidates.filter(numeric)] : candidates;
  for (const variant of ordered) {
    try {
      return unionOf(variant, jsonToLiteral(variant, value, path));
    } catch {
      // not this variant
    }
  }
  throw new Error(`not one of ${typeText(type)}${path ? ` at ${path}` : ""}`);
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
// form then offers the literal JSON instead.
export function literalToText(type: LiteralType, literal: Literal): string {
  return literalToValue(type, literal).text;
}

interface UnionScalar {
  value?: Literal;
  type?: LiteralType;
}
interface UriScalar {
  uri?: string;
}

// The variant a union literal holds: the one of the same tag (flytekit's choice), else of the same type.
function variantIndex(type: LiteralType, stored: LiteralType | undefined): number {
  const variants = variantsOf(type);
  const tag = stored?.structure?.tag;
  const byTag = tag ? variants.findIndex((v) => v.structure?.tag === tag) : -1;
  return byTag >= 0 ? byTag : variants.findIndex((v) => typeText(v) === typeText(stored));
}

// A union's value given without its union: flytekit's default for `Optional[int] = None` is a bare
// None. The first variant that can show it.
function bareVariant(type: LiteralType, literal: Literal): FieldValue {
  const variants = variantsOf(type);
  for (const [variant, v] of variants.entries()) {
    if (v.simple === "NONE") {
      if (literal.scalar?.none_type) return { variant, text: "" };
      continue;
    }
    try {
      return { variant, text: literalToText(v, literal) };
    } catch {
      // not this variant
    }
  }
  throw new Error("not a union");
}

// A literal → the value its field shows.
export function literalToValue(type: LiteralType, literal: Literal): FieldValue {
  const kind = fieldKind(type);
  const scalar = literal.scalar ?? {};
  if (kind === "json") return { text: jsonText(literalToJson(type, literal)) };
  if (kind === "literal") return { text: JSON.stringify(literal) };
  if (kind === "file" || kind === "dataset") {
    const held = (kind === "file" ? scalar.blob : scalar.structured_dataset) as UriScalar | undefined;
    if (held?.uri === undefined) throw new Error("a literal of another type");
    return { text: held.uri };
  }
  if (kind === "union") {
    const union = scalar.union as UnionScalar | undefined;
    if (!union) return bareVariant(type, literal);
    const variant = variantIndex(type, union.type);
    if (variant < 0) throw new Error("a variant the type does not have");
    const chosen = variantsOf(type)[variant];
    return { variant, text: chosen.simple === "NONE" ? "" : literalToText(chosen, union.value ?? {}) };
  }
  const value = primitiveOf(literal)[PRIMITIVE_FIELD[kind]];
  if (value === undefined) throw new Error("a literal of another type");
  return { text: String(value) };
}

// JSON text that keeps what JSON.stringify cannot: msgpack's bigints exact (digits as they are).
function jsonText(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

// A msgpack value (a dataclass flytekit sent) → plain JSON, integers as bigint.
function msgJson(m: Msg): unknown {
  switch (m.kind) {
    case "nil":
      return null;
    case "array":
      return m.items.map(msgJson);
    case "map":
      return Object.fromEntries(m.entries.map(([k, v]) => [k.kind === "str" ? k.value : String(msgJson(k)), msgJson(v)]));
    case "bin":
    case "ext":
      throw new Error("bytes cannot be written as JSON");
    default:
      return m.value;
  }
}

// A struct's value: a JSON struct, or msgpack (flytekit >= 1.14's dataclasses, pydantic models, dicts).
function structJson(literal: Literal): unknown {
  if (literal.scalar?.generic) return literal.scalar.generic;
  const binary = literal.scalar?.binary as { tag?: string; value?: string } | undefined;
  if (binary?.tag !== "msgpack") throw new Error("not a JSON struct");
  const bytes = base64Bytes(binary.value ?? "");
  const decoded = bytes instanceof Error ? bytes : decodeMsgpack(bytes);
  if (decoded instanceof Error) throw decoded;
  return msgJson(decoded);
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
  if (type.simple === "STRUCT") return structJson(literal);
  if (type.union_type) {
    const value = literalToValue(type, literal);
    const variant = variantsOf(type)[value.variant ?? -1];
    const union = literal.scalar?.union as UnionScalar | undefined;
    return variant.simple === "NONE" ? null : literalToJson(variant, union ? (union.value ?? {}) : literal);
  }
  const text = literalToText(type, literal);
  const kind = fieldKind(type);
  if (kind === "int") return Number.isSafeInteger(Number(text)) ? Number(text) : text;
  if (kind === "float") return Number(text);
  if (kind === "bool") return text === "true";
  return text;
}
