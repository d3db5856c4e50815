import assert from "node:assert/strict";
import { test } from "node:test";

import { typeText } from "../src/types";

test("interface types read like Python", () => {
  assert.equal(typeText({ simple: "INTEGER" }), "int");
  assert.equal(typeText({ simple: "DURATION" }), "timedelta");
  assert.equal(typeText({ collection_type: { simple: "STRING" } }), "list[str]");
  assert.equal(typeText({ map_value_type: { collection_type: { simple: "FLOAT" } } }), "dict[str, list[float]]");
  assert.equal(typeText({ enum_type: { values: ["red", "green"] } }), "enum(red, green)");
  assert.equal(
    typeText({ union_type: { variants: [{ simple: "INTEGER" }, { simple: "NONE" }] } }),
    "Optional[int]",
  );
  assert.equal(typeText({ union_type: { variants: [{ simple: "INTEGER" }, { simple: "STRING" }] } }), "int | str");
  assert.equal(typeText({ blob: { format: "csv", dimensionality: "SINGLE" } }), "file (csv)");
  assert.equal(typeText({ blob: { dimensionality: "MULTIPART" } }), "directory");
  assert.equal(typeText(undefined), "?");
});
