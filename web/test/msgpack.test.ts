import assert from "node:assert/strict";
import { test } from "node:test";

import { decodeMsgpack, type Msg } from "../src/msgpack";

const decode = (...bytes: number[]): Msg | Error => decodeMsgpack(Uint8Array.from(bytes));

test("integers of every width, signed and unsigned, exact", () => {
  assert.deepEqual(decode(0x7f), { kind: "int", value: 127n });
  assert.deepEqual(decode(0xff), { kind: "int", value: -1n });
  assert.deepEqual(decode(0xcc, 0xff), { kind: "int", value: 255n });
  assert.deepEqual(decode(0xcd, 0x01, 0x00), { kind: "int", value: 256n });
  assert.deepEqual(decode(0xd1, 0xff, 0x00), { kind: "int", value: -256n });
  assert.deepEqual(decode(0xce, 0xff, 0xff, 0xff, 0xff), { kind: "int", value: 4294967295n });
  assert.deepEqual(decode(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), {
    kind: "int",
    value: 18446744073709551615n,
  });
  assert.deepEqual(decode(0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0), { kind: "int", value: -9223372036854775808n });
});

test("floats, strings, binary, nil, booleans, extensions", () => {
  assert.deepEqual(decode(0xca, 0x3f, 0xc0, 0, 0), { kind: "float", value: 1.5 });
  assert.deepEqual(decode(0xcb, 0x40, 0, 0, 0, 0, 0, 0, 0), { kind: "float", value: 2 });
  assert.deepEqual(decode(0xa2, 0xc3, 0xa9), { kind: "str", value: "é" });
  assert.deepEqual(decode(0xd9, 1, 0x61), { kind: "str", value: "a" });
  assert.deepEqual(decode(0xc4, 2, 1, 2), { kind: "bin", value: Uint8Array.from([1, 2]) });
  assert.deepEqual(decode(0xc0), { kind: "nil" });
  assert.deepEqual(decode(0xc3), { kind: "bool", value: true });
  assert.deepEqual(decode(0xd4, 0xff, 9), { kind: "ext", type: -1, value: Uint8Array.from([9]) });
});

test("arrays and maps keep order and non-string keys", () => {
  assert.deepEqual(decode(0x92, 1, 0xa1, 0x62), {
    kind: "array",
    items: [
      { kind: "int", value: 1n },
      { kind: "str", value: "b" },
    ],
  });
  assert.deepEqual(decode(0x81, 0x05, 0xc2), {
    kind: "map",
    entries: [[{ kind: "int", value: 5n }, { kind: "bool", value: false }]],
  });
  assert.deepEqual(decode(0xdc, 0, 1, 0xc0), { kind: "array", items: [{ kind: "nil" }] });
});

test("malformed input is an Error, never a throw or a huge allocation", () => {
  assert.ok(decode(0xcd, 1) instanceof Error);
  assert.ok(decode(0xdd, 0xff, 0xff, 0xff, 0xff) instanceof Error); // claims 4 billion items
  assert.ok(decode(0xc1) instanceof Error);
  assert.ok(decode(1, 2) instanceof Error);
  const deep = new Array(1000).fill(0x91);
  assert.match(String(decode(...deep, 0xc0)), /nested too deeply/);
});
