import assert from "node:assert/strict";
import { test } from "node:test";

import { literalText, type Literal } from "../src/literals";

const int = (v: string): Literal => ({ scalar: { primitive: { integer: v } } });

test("primitives, int64 beyond 2^53 kept exact", () => {
  assert.equal(literalText(int("9007199254740993")), "9007199254740993");
  assert.equal(literalText({ scalar: { primitive: { float_value: 1.5 } } }), "1.5");
  assert.equal(literalText({ scalar: { primitive: { string_value: 'say "hi"' } } }), '"say \\"hi\\""');
  assert.equal(literalText({ scalar: { primitive: { boolean: false } } }), "false");
  assert.equal(literalText({ scalar: { none_type: {} } }), "None");
});

test("collections, maps and unions nest", () => {
  const literal: Literal = {
    map: { literals: { a: { collection: { literals: [int("1"), int("2")] } }, b: { scalar: { union: { value: int("3") } } } } },
  };
  assert.equal(literalText(literal), '{"a": [1, 2], "b": 3}');
});

test("blobs and datasets show their URIs; binary shows its tag and size", () => {
  assert.equal(literalText({ scalar: { blob: { uri: "/tmp/x.csv" } } }), "blob /tmp/x.csv");
  assert.equal(literalText({ scalar: { structured_dataset: { uri: "/tmp/d" } } }), "structured dataset /tmp/d");
  assert.equal(literalText({ scalar: { binary: { value: "gqFhAaFiAg==", tag: "msgpack" } } }), "msgpack (7 bytes)");
  assert.equal(literalText({ offloaded_metadata: { uri: "/tmp/o" } }), "offloaded /tmp/o");
});
