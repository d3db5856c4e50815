import assert from "node:assert/strict";
import { test } from "node:test";

import { fieldKind, literalToText, parseDatetime, parseDuration, textToLiteral } from "../src/launch-values";
import type { Literal } from "../src/literals";
import type { LiteralType } from "../src/types";

const INT: LiteralType = { simple: "INTEGER" };
const p = (primitive: Record<string, unknown>): Literal => ({ scalar: { primitive } });

// literal → field text → literal gives the literal back, for each type the form types in.
const ROUND_TRIPS: [string, LiteralType, Literal, string][] = [
  ["int", INT, p({ integer: "42" }), "42"],
  ["int64 beyond 2^53", INT, p({ integer: "9007199254740993" }), "9007199254740993"],
  ["negative int", INT, p({ integer: "-7" }), "-7"],
  ["float", { simple: "FLOAT" }, p({ float_value: 0.001 }), "0.001"],
  ["str, unicode", { simple: "STRING" }, p({ string_value: "héllo ✓ \"q\"" }), 'héllo ✓ "q"'],
  ["empty str", { simple: "STRING" }, p({ string_value: "" }), ""],
  ["bool", { simple: "BOOLEAN" }, p({ boolean: false }), "false"],
  ["datetime", { simple: "DATETIME" }, p({ datetime: "2026-11-29T10:00:00Z" }), "2026-11-29T10:00:00Z"],
  ["datetime with ms", { simple: "DATETIME" }, p({ datetime: "2026-11-29T10:00:00.250Z" }), "2026-11-29T10:00:00.250Z"],
  ["duration", { simple: "DURATION" }, p({ duration: "5400s" }), "5400s"],
  ["enum", { enum_type: { values: ["red", "green"] } }, p({ string_value: "green" }), "green"],
  [
    "list of int",
    { collection_type: INT },
    { collection: { literals: [p({ integer: "1" }), p({ integer: "2" })] } },
    "[1,2]",
  ],
  [
    "map of list of str",
    { map_value_type: { collection_type: { simple: "STRING" } } },
    { map: { literals: { a: { collection: { literals: [p({ string_value: "x" })] } }, b: { collection: { literals: [] } } } } },
    '{"a":["x"],"b":[]}',
  ],
  ["struct", { simple: "STRUCT" }, { scalar: { generic: { a: 1, b: [true] } } }, '{"a":1,"b":[true]}'],
  [
    "union, as literal JSON",
    { union_type: { variants: [INT, { simple: "NONE" }] } },
    { scalar: { union: { value: p({ integer: "1" }), type: INT } } },
    '{"scalar":{"union":{"value":{"scalar":{"primitive":{"integer":"1"}}},"type":{"simple":"INTEGER"}}}}',
  ],
];

for (const [name, type, literal, text] of ROUND_TRIPS) {
  test(`round trip: ${name}`, () => {
    assert.equal(literalToText(type, literal), text);
    assert.deepEqual(textToLiteral(type, text), literal);
  });
}

test("int64 in a list beyond 2^53 is kept exact when quoted", () => {
  assert.deepEqual(textToLiteral({ collection_type: INT }, '["9007199254740993"]'), {
    collection: { literals: [p({ integer: "9007199254740993" })] },
  });
});

test("what each field accepts, and what it refuses with a reason", () => {
  assert.deepEqual(textToLiteral(INT, " 12 "), p({ integer: "12" }));
  assert.deepEqual(textToLiteral({ simple: "FLOAT" }, "1e-3"), p({ float_value: 0.001 }));
  for (const bad of ["", "1.5", "x", "1e3"]) assert.throws(() => textToLiteral(INT, bad), /not an integer/, bad);
  for (const bad of ["", "inf", "nan", "1,5"]) assert.throws(() => textToLiteral({ simple: "FLOAT" }, bad), /not a number/);
  assert.throws(() => textToLiteral({ simple: "BOOLEAN" }, "yes"), /not true or false/);
  assert.throws(() => textToLiteral({ enum_type: { values: ["a"] } }, "b"), /not one of the values/);
  assert.throws(() => textToLiteral({ collection_type: INT }, "[1, 2.5]"), /not an integer at \[1\]/);
  assert.throws(() => textToLiteral({ collection_type: INT }, '{"a": 1}'), /expected a JSON list/);
  assert.throws(() => textToLiteral({ map_value_type: { simple: "STRING" } }, '{"a": 1}'), /expected a string at \.a/);
  assert.throws(() => textToLiteral({ collection_type: INT }, "[1,"), /not JSON/);
  assert.throws(() => textToLiteral({ blob: {} }, "[]"), /not a literal/);
  assert.throws(() => textToLiteral({ collection_type: { blob: {} } }, "[1]"), /edit the field as literal JSON/);
});

test("datetimes: UTC unless a zone is given; durations in every usual spelling", () => {
  assert.equal(parseDatetime("2026-11-29T10:00:00"), "2026-11-29T10:00:00Z");
  assert.equal(parseDatetime("2026-11-29 11:30:00+01:00"), "2026-11-29T10:30:00Z");
  assert.equal(parseDatetime("2026-11-29"), "2026-11-29T00:00:00Z");
  assert.throws(() => parseDatetime("yesterday"), /not a date/);
  assert.throws(() => parseDatetime("12"), /not a date/);
  assert.equal(parseDuration("90s"), "90s");
  assert.equal(parseDuration("1h30m"), "5400s");
  assert.equal(parseDuration("PT1H30M"), "5400s");
  assert.equal(parseDuration("250ms"), "0.25s");
  assert.equal(parseDuration("1.5"), "1.5s");
  assert.equal(parseDuration("2m"), "120s");
  for (const bad of ["", "PT", "soon", "1x"]) assert.throws(() => parseDuration(bad), /not a duration/, bad);
});

test("field kinds", () => {
  assert.equal(fieldKind(INT), "int");
  assert.equal(fieldKind({ enum_type: { values: [] } }), "enum");
  assert.equal(fieldKind({ collection_type: INT }), "json");
  assert.equal(fieldKind({ simple: "NONE" }), "literal");
  assert.equal(fieldKind({ blob: {} }), "literal");
});

test("a default the field cannot show is refused (the form offers literal JSON)", () => {
  assert.throws(() => literalToText(INT, p({ string_value: "x" })), /another type/);
  assert.throws(() => literalToText({ simple: "STRUCT" }, { scalar: { binary: { value: "gA==", tag: "msgpack" } } }));
});
