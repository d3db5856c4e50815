import assert from "node:assert/strict";
import { test } from "node:test";

import {
  fieldKind,
  literalToText,
  literalToValue,
  parseDatetime,
  parseDuration,
  textToLiteral,
  valueToLiteral,
} from "../src/launch-values";
import type { Literal } from "../src/literals";
import type { LiteralType } from "../src/types";

const INT: LiteralType = { simple: "INTEGER" };
const p = (primitive: Record<string, unknown>): Literal => ({ scalar: { primitive } });
// Types and literals as flytekit makes them (see fixtures/literals.json): a union's variants carry
// their tag, and the literal stores the variant's type.
const INT_T: LiteralType = { simple: "INTEGER", structure: { tag: "int" } };
const STR_T: LiteralType = { simple: "STRING", structure: { tag: "str" } };
const NONE_T: LiteralType = { simple: "NONE", structure: { tag: "none" } };
const OPTIONAL_INT_V = [INT_T, NONE_T];
const OPTIONAL_INT: LiteralType = { union_type: { variants: OPTIONAL_INT_V } };
const INT_OR_STR: LiteralType = { union_type: { variants: [INT_T, STR_T] } };
const NONE: Literal = { scalar: { none_type: {} } };
const union = (type: LiteralType, value: Literal): Literal => ({ scalar: { union: { value, type } } });
const FILE: LiteralType = { blob: { format: "", dimensionality: "SINGLE" } };
const DIR: LiteralType = { blob: { format: "", dimensionality: "MULTIPART" } };
const FRAME: LiteralType = { structured_dataset_type: { format: "parquet" } };
const blob = (type: LiteralType, uri: string): Literal => ({ scalar: { blob: { uri, metadata: { type: type.blob } } } });
const file = (uri: string) => blob(FILE, uri);
const dir = (uri: string) => blob(DIR, uri);
const frame = (uri: string): Literal => ({
  scalar: { structured_dataset: { uri, metadata: { structured_dataset_type: { format: "parquet" } } } },
});
const DATACLASS: LiteralType = { simple: "STRUCT", metadata: { title: "Point" } };

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
  ["file", FILE, file("/data/uploads/p/d/r/a.txt"), "/data/uploads/p/d/r/a.txt"],
  ["directory", DIR, dir("s3://bucket/folder"), "s3://bucket/folder"],
  ["structured dataset", FRAME, frame("/data/frame.parquet"), "/data/frame.parquet"],
  ["list of files", { collection_type: FILE }, { collection: { literals: [file("/a"), file("/b")] } }, '["/a","/b"]'],
  [
    "map of Optional[int] (None and a number, in plain JSON)",
    { map_value_type: OPTIONAL_INT },
    { map: { literals: { a: union(OPTIONAL_INT_V[1], NONE), b: union(OPTIONAL_INT_V[0], p({ integer: "3" })) } } },
    '{"a":null,"b":3}',
  ],
  [
    "list of int | str: each element by the first variant taking it",
    { collection_type: INT_OR_STR },
    { collection: { literals: [union(INT_T, p({ integer: "1" })), union(STR_T, p({ string_value: "1" }))] } },
    '[1,"1"]',
  ],
  ["dataclass as a JSON struct", DATACLASS, { scalar: { generic: { x: 1, y: 2.5 } } }, '{"x":1,"y":2.5}'],
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
  assert.throws(() => textToLiteral({ simple: "NONE" }, "[]"), /not a literal/);
  assert.throws(() => textToLiteral({ collection_type: { simple: "BINARY" } }, "[1]"), /edit the field as literal JSON/);
  assert.throws(() => textToLiteral(FILE, " "), /a URI is needed/);
  assert.throws(() => textToLiteral({ collection_type: FILE }, "[1]"), /expected a string at \[0\]/);
  assert.throws(() => textToLiteral({ collection_type: INT_OR_STR }, "[true]"), /not one of int \| str at \[0\]/);
  assert.throws(() => textToLiteral({ collection_type: INT_OR_STR }, "[null]"), /None is not one of/);
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
  assert.equal(fieldKind({ simple: "BINARY" }), "literal");
  assert.equal(fieldKind(FILE), "file");
  assert.equal(fieldKind(DIR), "file");
  assert.equal(fieldKind(FRAME), "dataset");
  assert.equal(fieldKind(OPTIONAL_INT), "union");
  assert.equal(fieldKind(DATACLASS), "json");
});

// A union field: the variant chosen in its select, and that variant's value.
const UNION_TRIPS: [string, LiteralType, Literal, { variant: number; text: string }][] = [
  ["Optional[int], a number", OPTIONAL_INT, union(INT_T, p({ integer: "7" })), { variant: 0, text: "7" }],
  ["Optional[int], None", OPTIONAL_INT, union(NONE_T, NONE), { variant: 1, text: "" }],
  ["int | str, the str", INT_OR_STR, union(STR_T, p({ string_value: "7" })), { variant: 1, text: "7" }],
  [
    "Optional[file]",
    { union_type: { variants: [{ ...FILE, structure: { tag: "FlyteFile" } }, NONE_T] } },
    union({ ...FILE, structure: { tag: "FlyteFile" } }, file("/x.csv")),
    { variant: 0, text: "/x.csv" },
  ],
  [
    "Optional[dataclass]",
    { union_type: { variants: [{ ...DATACLASS, structure: { tag: "Point" } }, NONE_T] } },
    union({ ...DATACLASS, structure: { tag: "Point" } }, { scalar: { generic: { x: 1 } } }),
    { variant: 0, text: '{"x":1}' },
  ],
];

for (const [name, type, literal, value] of UNION_TRIPS) {
  test(`union round trip: ${name}`, () => {
    assert.deepEqual(literalToValue(type, literal), value);
    assert.deepEqual(valueToLiteral(type, value), literal);
  });
}

test("a union's default given bare (flytekit's Optional[int] = None) shows as its variant", () => {
  assert.deepEqual(literalToValue(OPTIONAL_INT, NONE), { variant: 1, text: "" });
  assert.deepEqual(literalToValue(INT_OR_STR, p({ string_value: "s" })), { variant: 1, text: "s" });
  assert.equal(literalToText({ map_value_type: OPTIONAL_INT }, { map: { literals: { a: NONE } } }), '{"a":null}');
});

test("a union's variant is found by its tag, else by its type (a literal made elsewhere)", () => {
  const untagged = union({ simple: "STRING" }, p({ string_value: "s" }));
  assert.deepEqual(literalToValue(INT_OR_STR, untagged), { variant: 1, text: "s" });
  assert.throws(() => literalToValue(INT_OR_STR, union({ simple: "FLOAT" }, p({ float_value: 1 }))), /variant/);
});

test("a dataclass flytekit sent as msgpack shows as JSON, its integers exact", () => {
  // {"x": 2^62 + 1, "y": 2.5, "tags": ["a"], "maybe": nil}: msgpack as flytekit writes it.
  const bytes = [0x84, 0xa1, 0x78, 0xcf, 0x40, 0, 0, 0, 0, 0, 0, 1, 0xa1, 0x79, 0xcb, 0x40, 0x04, 0, 0, 0, 0, 0, 0];
  bytes.push(0xa4, ...Buffer.from("tags"), 0x91, 0xa1, 0x61, 0xa5, ...Buffer.from("maybe"), 0xc0);
  const literal = { scalar: { binary: { tag: "msgpack", value: Buffer.from(bytes).toString("base64") } } };
  assert.equal(literalToText(DATACLASS, literal), '{"x":4611686018427387905,"y":2.5,"tags":["a"],"maybe":null}');
});

test("a default the field cannot show is refused (the form offers literal JSON)", () => {
  assert.throws(() => literalToText(INT, p({ string_value: "x" })), /another type/);
  assert.throws(() => literalToText({ simple: "STRUCT" }, { scalar: { binary: { value: "wQ==", tag: "msgpack" } } }));
  assert.throws(() => literalToText({ simple: "STRUCT" }, { scalar: { binary: { value: "xAEA", tag: "msgpack" } } }), /bytes/);
  assert.throws(() => literalToText(FILE, frame("/f")), /another type/);
});
