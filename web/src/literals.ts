// Flyte literals (proto3 JSON from the gateway) as a tree of values to show: every kind, nested,
// msgpack-encoded dataclasses and pydantic models decoded, int64 kept exact (the gateway sends
// it as a string, and msgpack integers decode to bigint), blobs, datasets and offloaded
// literals with their URIs. `literalText` is the same tree on one line.
import { base64Bytes, decodeMsgpack, type Msg } from "./msgpack";
import { orderedEntries } from "./order";

type Json = { [key: string]: unknown };

export interface Literal {
  scalar?: Json;
  collection?: { literals?: Literal[] };
  map?: { literals?: Record<string, Literal> };
  offloaded_metadata?: { uri?: string; size_bytes?: string; inferred_type?: unknown };
}

export interface LiteralMap {
  literals?: Record<string, Literal>;
}

// What a value is: its kind decides how it is shown (leaves as text, "list" and "map" as
// expandable children; "file", "directory", "dataset", "offloaded" carry a URI).
export type ValueKind =
  | "int"
  | "float"
  | "str"
  | "bool"
  | "datetime"
  | "duration"
  | "none"
  | "list"
  | "map"
  | "file"
  | "directory"
  | "dataset"
  | "offloaded"
  | "binary"
  | "error"
  | "unknown";

export interface ValueNode {
  kind: ValueKind;
  text: string; // a leaf's value; for "list" and "map" the one-line form of the whole
  note?: string; // what else there is to know: a file's format, a union's variant, "msgpack"
  uri?: string;
  children?: { key: string; node: ValueNode }[]; // map keys, or list indices "0", "1", …
}

const leaf = (kind: ValueKind, text: string, extra: Partial<ValueNode> = {}): ValueNode => ({ kind, text, ...extra });

// A float as Python prints it: 2.0, not 2 (proto3 JSON and msgpack both keep the type).
export function floatText(v: number | string): string {
  if (typeof v === "string") return v; // "NaN", "Infinity", "-Infinity" in proto3 JSON
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? v.toFixed(1) : String(v);
}

function branch(kind: "list" | "map", children: { key: string; node: ValueNode }[], note?: string): ValueNode {
  const parts = children.map((c) => (kind === "map" ? `${JSON.stringify(c.key)}: ${c.node.text}` : c.node.text));
  const text = kind === "map" ? `{${parts.join(", ")}}` : `[${parts.join(", ")}]`;
  return { kind, text, children, ...(note ? { note } : {}) };
}

function msgNode(m: Msg): ValueNode {
  switch (m.kind) {
    case "nil":
      return leaf("none", "None");
    case "bool":
      return leaf("bool", m.value ? "True" : "False");
    case "int":
      return leaf("int", m.value.toString());
    case "float":
      return leaf("float", floatText(m.value));
    case "str":
      return leaf("str", JSON.stringify(m.value));
    case "bin":
      return leaf("binary", `${m.value.length} bytes`);
    case "ext":
      return leaf("binary", `msgpack extension ${m.type}, ${m.value.length} bytes`);
    case "array":
      return branch(
        "list",
        m.items.map((item, i) => ({ key: String(i), node: msgNode(item) })),
      );
    case "map":
      return branch(
        "map",
        m.entries.map(([k, v]) => ({ key: k.kind === "str" ? k.value : msgNode(k).text, node: msgNode(v) })),
      );
  }
}

function binary(b: Json): ValueNode {
  const tag = String(b.tag ?? "");
  const bytes = base64Bytes(String(b.value ?? ""));
  if (bytes instanceof Error) return leaf("error", `undecodable base64: ${bytes.message}`);
  if (tag === "msgpack") {
    const decoded = decodeMsgpack(bytes);
    if (decoded instanceof Error) return leaf("error", `undecodable msgpack (${bytes.length} bytes): ${decoded.message}`);
    return { ...msgNode(decoded), note: "msgpack" };
  }
  return leaf("binary", `${bytes.length} bytes`, tag ? { note: tag } : {});
}

function primitive(p: Json): ValueNode {
  if ("integer" in p) return leaf("int", String(p.integer)); // int64 arrives as a string: kept exact
  if ("float_value" in p) return leaf("float", floatText(p.float_value as number | string));
  if ("string_value" in p) return leaf("str", JSON.stringify(p.string_value));
  if ("boolean" in p) return leaf("bool", p.boolean ? "True" : "False");
  if ("datetime" in p) return leaf("datetime", String(p.datetime));
  if ("duration" in p) return leaf("duration", String(p.duration));
  return leaf("unknown", JSON.stringify(p));
}

// google.protobuf.Struct values (the Generic scalar) arrive as plain JSON.
function jsonNode(v: unknown): ValueNode {
  if (v === null) return leaf("none", "None");
  if (Array.isArray(v)) return branch("list", v.map((item, i) => ({ key: String(i), node: jsonNode(item) })));
  if (typeof v === "object") return branch("map", Object.entries(v).map(([key, item]) => ({ key, node: jsonNode(item) })));
  if (typeof v === "number") return leaf("float", floatText(v)); // Struct numbers are doubles
  if (typeof v === "boolean") return leaf("bool", v ? "True" : "False");
  return leaf("str", JSON.stringify(v));
}

function scalar(s: Json): ValueNode {
  if (s.primitive) return primitive(s.primitive as Json);
  if ("none_type" in s) return leaf("none", "None");
  if (s.blob) {
    const blob = s.blob as { uri?: string; metadata?: { type?: { dimensionality?: string; format?: string } } };
    const type = blob.metadata?.type;
    const kind = type?.dimensionality === "MULTIPART" ? "directory" : "file";
    return leaf(kind, blob.uri ?? "", { uri: blob.uri, ...(type?.format ? { note: type.format } : {}) });
  }
  if (s.structured_dataset) {
    const sd = s.structured_dataset as { uri?: string; metadata?: { structured_dataset_type?: { format?: string } } };
    const format = sd.metadata?.structured_dataset_type?.format;
    return leaf("dataset", sd.uri ?? "", { uri: sd.uri, ...(format ? { note: format } : {}) });
  }
  if (s.schema) {
    const schema = s.schema as { uri?: string };
    return leaf("dataset", schema.uri ?? "", { uri: schema.uri, note: "schema" });
  }
  if (s.union) {
    const union = s.union as { value?: Literal; type?: { structure?: { tag?: string } } };
    const inner = literalNode(union.value ?? {});
    const tag = union.type?.structure?.tag;
    return tag && !inner.note ? { ...inner, note: tag } : inner;
  }
  if (s.generic) return jsonNode(s.generic);
  if (s.binary) return binary(s.binary as Json);
  if (s.error) {
    const error = s.error as { message?: string; failed_node_id?: string };
    return leaf("error", error.message ?? "", error.failed_node_id ? { note: `node ${error.failed_node_id}` } : {});
  }
  return leaf("unknown", JSON.stringify(s));
}

function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

export function literalNode(literal: Literal): ValueNode {
  if (literal.scalar) return scalar(literal.scalar);
  if (literal.collection) {
    return branch(
      "list",
      (literal.collection.literals ?? []).map((l, i) => ({ key: String(i), node: literalNode(l) })),
    );
  }
  if (literal.map) {
    return branch(
      "map",
      // By name (order.ts): the gateway's order is not stable, and rows must not jump between
      // polls. (msgpack maps keep their order: a dataclass's fields as declared.)
      orderedEntries(literal.map.literals).map(([key, l]) => ({ key, node: literalNode(l) })),
    );
  }
  if (literal.offloaded_metadata) {
    const { uri = "", size_bytes } = literal.offloaded_metadata;
    const size = size_bytes ? `${bytesText(Number(size_bytes))}, ` : "";
    return leaf("offloaded", uri, { uri, note: `${size}offloaded` });
  }
  return leaf("unknown", "");
}

export function literalText(literal: Literal): string {
  return literalNode(literal).text;
}
