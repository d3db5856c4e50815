import assert from "node:assert/strict";
import { test } from "node:test";

import { checkStruct, leafText, leafValue, schemaFields, withLeaf } from "../src/json-schema";
import { literalToValue, textToLiteral } from "../src/launch-values";
import type { LiteralType } from "../src/types";

// What flytekit 1.16 puts in a dataclass's literal type (tests/e2e/flyteproj datatypes.Shape).
const point = {
  properties: { x: { type: "integer" }, y: { type: "number" } },
  type: "object",
  additionalProperties: false,
  title: "Point",
  required: ["x", "y"],
};
const shape = {
  properties: {
    name: { type: "string" },
    points: { type: "array", items: point },
    origin: point,
    tags: { type: "array", items: { type: "string" } },
  },
  type: "object",
  additionalProperties: false,
  title: "Shape",
  required: ["name", "origin", "points"],
};
// A pydantic model's: $defs and $ref, Optional as anyOf with null, an enum, a bool.
const model = {
  $defs: {
    Color: { enum: ["red", "green"], title: "Color", type: "string" },
    Inner: { properties: { n: { type: "integer" } }, required: ["n"], type: "object" },
  },
  properties: {
    color: { $ref: "#/$defs/Color" },
    inner: { $ref: "#/$defs/Inner" },
    note: { anyOf: [{ type: "string" }, { type: "null" }], default: null },
    flag: { type: "boolean" },
    either: { anyOf: [{ type: "integer" }, { type: "string" }] },
  },
  required: ["color", "inner", "flag"],
  type: "object",
};

test("one field per property, with its kind, from a dataclass's and a pydantic model's schema", () => {
  const fields = schemaFields(shape)!;
  assert.deepEqual(
    fields.map((f) => [f.name, f.kind, f.required]),
    [
      ["name", "str", true],
      ["origin", "object", true],
      ["points", "json", true],
      ["tags", "json", false],
    ],
  );
  assert.deepEqual(
    fields[1].fields!.map((f) => [f.name, f.kind]),
    [
      ["x", "int"],
      ["y", "float"],
    ],
  );
  const m = schemaFields(model)!;
  assert.deepEqual(
    m.map((f) => [f.name, f.kind, f.nullable]),
    [
      ["color", "enum", false],
      ["inner", "object", false],
      ["flag", "bool", false],
      ["note", "str", true],
      ["either", "json", false],
    ],
  );
  assert.deepEqual(m[0].values, ["red", "green"]);
  assert.equal(m[1].fields![0].kind, "int");
  assert.equal(schemaFields(undefined), null);
  assert.equal(schemaFields({ type: "object" }), null); // an untyped dict: JSON as before
  // Keys in the gateway's order: the required ones come back in their declared order.
  const printed = { type: "object", required: ["x", "y"], properties: { y: { type: "number" }, label: { type: "string" }, x: { type: "integer" } } };
  assert.deepEqual(
    schemaFields(printed)!.map((f) => f.name),
    ["x", "y", "label"],
  );
});

test("typed fields make the struct's JSON, and its literal round-trips", () => {
  const [name, origin, points] = schemaFields(shape)!;
  const [x, y] = origin.fields!;
  let v: Record<string, unknown> = {};
  v = withLeaf(v, ["name"], leafValue(name, "sq"));
  v = withLeaf(v, ["origin", "x"], leafValue(x, "3"));
  v = withLeaf(v, ["origin", "y"], leafValue(y, "2.5"));
  v = withLeaf(v, ["points"], leafValue(points, '[{"x": 1, "y": 0.5}]'));
  assert.deepEqual(v, { name: "sq", origin: { x: 3, y: 2.5 }, points: [{ x: 1, y: 0.5 }] });
  assert.equal(leafText(points, v.points), '[{"x":1,"y":0.5}]');
  assert.equal(leafText(x, 3), "3");
  const type: LiteralType = { simple: "STRUCT", metadata: shape };
  const literal = textToLiteral(type, JSON.stringify(v));
  assert.deepEqual(literal, { scalar: { generic: v } });
  assert.deepEqual(JSON.parse(literalToValue(type, literal).text), v);
  // Emptied, a field is absent again; a pydantic Optional becomes null.
  assert.deepEqual(withLeaf(v, ["origin", "y"], leafValue(y, "")), { ...v, origin: { x: 3 } });
  assert.equal(leafValue(schemaFields(model)!.find((f) => f.name === "note")!, ""), ""); // a str stays a str, even empty
  assert.equal(leafValue({ name: "n", kind: "int", required: false, nullable: true }, " "), null);
});

test("a value that does not fit the schema is refused with where and why", () => {
  const type: LiteralType = { simple: "STRUCT", metadata: shape };
  const ok = { name: "a", origin: { x: 1, y: 2 }, points: [] };
  assert.doesNotThrow(() => textToLiteral(type, JSON.stringify(ok)));
  const bad = (v: unknown) => () => textToLiteral(type, JSON.stringify(v));
  assert.throws(bad({ ...ok, origin: { x: "4x", y: 2 } }), /^Error: origin\.x: not an integer$/);
  assert.throws(bad({ ...ok, origin: { x: 1.5, y: 2 } }), /origin\.x: not an integer/);
  assert.throws(bad({ name: "a", points: [] }), /origin: required/);
  assert.throws(bad({ ...ok, name: 3 }), /name: not a string/);
  // Inside a list of dataclasses: the element's path.
  const list: LiteralType = { collection_type: type };
  assert.throws(() => textToLiteral(list, JSON.stringify([ok, { ...ok, origin: { y: 1 } }])), /\[1\]\.origin\.x: required/);
  const m = schemaFields(model)!;
  assert.throws(() => checkStruct(m, { color: "blue", inner: { n: 1 }, flag: true }), /color: not one of the values/);
  assert.doesNotThrow(() => checkStruct(m, { color: "red", inner: { n: 1 }, flag: false, note: null }));
});
