// Flyte's LiteralType (proto3 JSON from the gateway) as a Python-like name: what an interface
// table shows for each input and output.

export interface LiteralType {
  simple?: string;
  collection_type?: LiteralType;
  map_value_type?: LiteralType;
  enum_type?: { values?: string[] };
  union_type?: { variants?: LiteralType[] };
  blob?: { format?: string; dimensionality?: string };
  structured_dataset_type?: { format?: string };
  schema?: unknown;
  structure?: { tag?: string };
  metadata?: unknown;
}

const SIMPLE: Record<string, string> = {
  NONE: "None",
  INTEGER: "int",
  FLOAT: "float",
  STRING: "str",
  BOOLEAN: "bool",
  DATETIME: "datetime",
  DURATION: "timedelta",
  BINARY: "bytes",
  ERROR: "error",
  STRUCT: "struct",
};

export function typeText(type: LiteralType | undefined): string {
  if (!type) return "?";
  if (type.simple) return SIMPLE[type.simple] ?? type.simple.toLowerCase();
  if (type.collection_type) return `list[${typeText(type.collection_type)}]`;
  if (type.map_value_type) return `dict[str, ${typeText(type.map_value_type)}]`;
  if (type.enum_type) return `enum(${(type.enum_type.values ?? []).join(", ")})`;
  if (type.union_type) {
    const variants = type.union_type.variants ?? [];
    const some = variants.filter((v) => v.simple !== "NONE");
    if (some.length === 1 && variants.length === 2) return `Optional[${typeText(some[0])}]`;
    return variants.map(typeText).join(" | ");
  }
  if (type.blob) {
    const what = type.blob.dimensionality === "MULTIPART" ? "directory" : "file";
    return type.blob.format ? `${what} (${type.blob.format})` : what;
  }
  if (type.structured_dataset_type) return "structured dataset";
  if (type.schema) return "schema";
  return "?";
}
