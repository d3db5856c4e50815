// A dataclass's or pydantic model's fields, from the JSON schema flytekit puts in its STRUCT
// literal type's `metadata` (mashumaro's for dataclasses, inlined; pydantic's with `$defs` and
// `$ref`), so the launch form can show one field per property; and the check of a value against
// them before it is sent. Pure: the widgets are in pages/struct-field.tsx.

export type SchemaKind = "int" | "float" | "str" | "bool" | "enum" | "object" | "json";

export interface SchemaField {
  name: string;
  kind: SchemaKind;
  required: boolean;
  nullable: boolean; // Optional[T]: null is a value
  values?: string[]; // an enum's
  fields?: SchemaField[]; // a nested dataclass's
}

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);
const MAX_DEPTH = 5; // a recursive model stops being split into fields there

// `#/$defs/Name` (pydantic) or `#/definitions/Name` against the schema's root.
function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let at: unknown = root;
  for (const part of ref.slice(2).split("/")) at = isObject(at) ? at[part] : undefined;
  return isObject(at) ? { ...at, ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$ref")) } : schema;
}

// A property's schema, whether null is allowed, with `anyOf`/`type: [.., "null"]` taken apart.
function unwrap(schema: Schema, root: Schema): { schema: Schema; nullable: boolean } {
  const s = resolve(schema, root);
  const alternatives = (s.anyOf ?? s.oneOf) as unknown;
  if (Array.isArray(alternatives)) {
    const others = alternatives.filter((a) => !(isObject(a) && a.type === "null"));
    const nullable = others.length < alternatives.length;
    if (others.length === 1 && isObject(others[0])) return { schema: unwrap(others[0], root).schema, nullable };
    return { schema: {}, nullable }; // a union of several types: JSON
  }
  if (Array.isArray(s.type)) {
    const types = s.type.filter((t) => t !== "null");
    return { schema: { ...s, type: types.length === 1 ? types[0] : undefined }, nullable: types.length < s.type.length };
  }
  return { schema: s, nullable: false };
}

function kindOf(schema: Schema, root: Schema, depth: number): Pick<SchemaField, "kind" | "values" | "fields"> {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) {
    return { kind: "enum", values: schema.enum as string[] };
  }
  switch (schema.type) {
    case "integer":
      return { kind: "int" };
    case "number":
      return { kind: "float" };
    case "string":
      return { kind: "str" };
    case "boolean":
      return { kind: "bool" };
    case "object": {
      const fields = depth < MAX_DEPTH ? fieldsOf(schema, root, depth + 1) : null;
      return fields ? { kind: "object", fields } : { kind: "json" };
    }
    default:
      return { kind: "json" }; // lists, dicts, unions: typed as JSON
  }
}

function fieldsOf(schema: Schema, root: Schema, depth: number): SchemaField[] | null {
  const properties = schema.properties;
  if (!isObject(properties) || Object.keys(properties).length === 0) return null;
  const listed: unknown[] = Array.isArray(schema.required) ? schema.required : [];
  const required = new Set(listed);
  // The gateway prints a Struct's keys in an order of its own; `required` lists the class's
  // fields in their declared order (mashumaro's and pydantic's): those first, then the rest.
  const rank = (name: string) => (required.has(name) ? listed.indexOf(name) : listed.length);
  const entries = Object.entries(properties).sort(([a], [b]) => rank(a) - rank(b));
  return entries.map(([name, property]) => {
    const { schema: s, nullable } = unwrap(isObject(property) ? property : {}, root);
    return { name, required: required.has(name), nullable, ...kindOf(s, root, depth) };
  });
}

// The fields of a STRUCT type's schema, required ones in declared order first; null when it has
// no properties to split into (an untyped dict, a schema-less struct).
export function schemaFields(metadata: unknown): SchemaField[] | null {
  if (!isObject(metadata)) return null;
  return fieldsOf(resolve(metadata, metadata), metadata, 0);
}

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|nan)$/i;

// What one property's input shows for its value in the struct's JSON.
export function leafText(field: SchemaField, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (field.kind === "json" && typeof value !== "string") return JSON.stringify(value);
  return String(value);
}

// A property's typed text → its value in the struct's JSON: a number once it reads as one (else
// the text itself, which `checkStruct` refuses), null or absent when left empty.
export function leafValue(field: SchemaField, text: string): unknown {
  const t = text.trim();
  if (t === "" && field.kind !== "str") return field.nullable ? null : undefined;
  if (field.kind === "int" && INTEGER.test(t) && Number.isSafeInteger(Number(t))) return Number(t);
  if (field.kind === "float" && FLOAT.test(t)) return Number(t);
  if (field.kind === "bool") return t === "true";
  if (field.kind === "json") {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

// The struct's JSON with one property (by path) set; an absent value removes it.
export function withLeaf(value: Schema, path: readonly string[], leaf: unknown): Schema {
  const [name, ...rest] = path;
  const next = { ...value };
  const inner = rest.length ? withLeaf(isObject(value[name]) ? value[name] : {}, rest, leaf) : leaf;
  if (inner === undefined) delete next[name];
  else next[name] = inner;
  return next;
}

// Whether a struct's value fits its fields; throws the first mismatch ("origin.x: not an integer").
export function checkStruct(fields: SchemaField[], value: unknown, path = ""): void {
  if (!isObject(value)) throw new Error(`${path || "the value"}: expected a JSON object`);
  for (const f of fields) {
    const at = path ? `${path}.${f.name}` : f.name;
    const v = value[f.name];
    if (v === undefined) {
      if (f.required) throw new Error(`${at}: required`);
      continue;
    }
    if (v === null) {
      if (!f.nullable) throw new Error(`${at}: required`);
      continue;
    }
    const bad = (what: string) => new Error(`${at}: ${what}`);
    if (f.kind === "int" && !Number.isInteger(v)) throw bad("not an integer");
    if (f.kind === "float" && typeof v !== "number") throw bad("not a number");
    if (f.kind === "str" && typeof v !== "string") throw bad("not a string");
    if (f.kind === "bool" && typeof v !== "boolean") throw bad("not true or false");
    if (f.kind === "enum" && !f.values!.includes(v as string)) throw bad("not one of the values");
    if (f.kind === "object") checkStruct(f.fields!, v, at);
  }
}
