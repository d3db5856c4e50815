// Literals made by real flytekit (web/test/fixtures/make_literals.py writes literals.json, as
// the gateway prints them), rendered to the tree and the one-line text the console shows.
import assert from "node:assert/strict";
import { test } from "node:test";

import { literalNode, literalText, type Literal, type ValueNode } from "../src/literals";
import fixtures from "./fixtures/literals.json";

const all = fixtures as unknown as Record<string, Literal>;
const node = (name: string): ValueNode => literalNode(all[name]);
const text = (name: string): string => literalText(all[name]);
const uriOf = (name: string): string => {
  const s = all[name].scalar as { blob?: { uri: string }; structured_dataset?: { uri: string } };
  return (s.blob ?? s.structured_dataset)!.uri;
};

test("primitives as Python prints them; int64 beyond 2^53 exact", () => {
  assert.equal(text("int"), "42");
  assert.equal(text("int_big"), "4611686018427387905"); // 2^62 + 1
  assert.equal(text("int_negative"), "-1152921504606846983");
  assert.equal(text("float"), "2.5");
  assert.equal(text("str"), '"say \\"hi\\"\\nbye"');
  assert.equal(text("bool"), "False");
  assert.equal(text("datetime"), "2024-05-06T07:08:09.123Z");
  assert.equal(text("duration"), "90.500s");
  assert.equal(text("enum"), '"green"');
  assert.equal(node("int").kind, "int");
});

test("unions show their value and the variant", () => {
  assert.deepEqual(node("union"), { kind: "str", text: '"text"', note: "str" });
  assert.deepEqual(node("optional_int"), { kind: "int", text: "7", note: "int" });
  assert.deepEqual(node("none"), { kind: "none", text: "None", note: "none" });
});

test("collections and maps nest, keyed by index and name", () => {
  assert.equal(text("list"), "[1, 2, 3]");
  assert.equal(text("nested"), '{"a": [[1, 2], [3]], "b": []}');
  const nested = node("nested");
  assert.equal(nested.kind, "map");
  assert.deepEqual(
    nested.children!.map((c) => c.key),
    ["a", "b"],
  );
  const a = nested.children![0].node;
  assert.equal(a.kind, "list");
  assert.equal(a.children![1].key, "1");
  assert.equal(a.children![1].node.text, "[3]");
});

test("msgpack dataclasses decode field by field, big ints exact, floats stay floats", () => {
  const shape = node("dataclass");
  assert.equal(shape.kind, "map");
  assert.equal(shape.note, "msgpack");
  assert.equal(
    shape.text,
    '{"name": "tri", "origin": {"x": 1, "y": 0.5}, "points": [{"x": 2, "y": 1.5}, {"x": 3, "y": -2.25}], ' +
      '"tags": {"k": "v"}, "big": 4611686018427387905, "small": -1099511627776, "maybe": None, "ok": True}',
  );
  const origin = shape.children!.find((c) => c.key === "origin")!.node;
  assert.deepEqual(
    origin.children!.map((c) => [c.key, c.node.kind, c.node.text]),
    [
      ["x", "int", "1"],
      ["y", "float", "0.5"],
    ],
  );
  assert.equal(text("dataclass_list"), '[{"x": 1, "y": 2.0}]');
  assert.equal(text("dict_any"), '{"k": 1, "l": [True, None], "f": 1.25}');
});

test("files, directories and datasets keep their URIs and formats", () => {
  assert.deepEqual(node("file"), { kind: "file", text: uriOf("file"), uri: uriOf("file") });
  assert.deepEqual(node("csv_file"), { kind: "file", text: uriOf("csv_file"), uri: uriOf("csv_file"), note: "csv" });
  assert.equal(node("directory").kind, "directory");
  assert.equal(node("directory").uri, (all.directory.scalar as { blob: { uri: string } }).blob.uri);
  assert.deepEqual(node("dataframe"), {
    kind: "dataset",
    text: uriOf("dataframe"),
    uri: uriOf("dataframe"),
    note: "parquet",
  });
  assert.deepEqual(node("structured_dataset"), {
    kind: "dataset",
    text: "s3://bucket/frames/one",
    uri: "s3://bucket/frames/one",
  });
});

test("offloaded literals show where they are and their size; errors their message and node", () => {
  assert.deepEqual(node("offloaded"), {
    kind: "offloaded",
    text: "s3://bucket/metadata/offloaded/o0",
    uri: "s3://bucket/metadata/offloaded/o0",
    note: "117.7 MiB, offloaded",
  });
  assert.deepEqual(node("error"), { kind: "error", text: "ValueError: boom", note: "node n3" });
});

test("every fixture renders to something", () => {
  for (const [name, literal] of Object.entries(all)) {
    const n = literalNode(literal);
    assert.notEqual(n.kind, "unknown", name);
    assert.notEqual(n.text, "", name);
  }
});

test("broken binary values say so instead of throwing", () => {
  const bin = (value: string, tag = "msgpack"): Literal => ({ scalar: { binary: { value, tag } } });
  assert.match(literalText(bin("gqFh")), /^undecodable msgpack \(3 bytes\): msgpack value ends early$/);
  assert.match(literalText(bin("wQ==")), /not msgpack: byte 0xc1/);
  assert.match(literalText(bin("AQI=")), /bytes after the msgpack value/);
  assert.equal(literalNode(bin("AQI=")).kind, "error");
  assert.equal(literalText(bin("AQID", "")), "3 bytes");
  assert.deepEqual(literalNode(bin("AQID", "pickle")), { kind: "binary", text: "3 bytes", note: "pickle" });
});

test("generic (Struct) values render as JSON trees", () => {
  assert.equal(literalText({ scalar: { generic: { a: [1, "x", null], b: { c: true } } } }), '{"a": [1.0, "x", None], "b": {"c": True}}');
});

test("literal maps are shown by name whatever order the gateway sends (msgpack maps keep theirs)", () => {
  const int = (v: string): Literal => ({ scalar: { primitive: { integer: v } } });
  assert.equal(literalText({ map: { literals: { b: int("2"), a: int("1") } } }), '{"a": 1, "b": 2}');
  assert.match(text("dataclass"), /^\{"name": .*"ok": True\}$/);
});
