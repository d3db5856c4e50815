import assert from "node:assert/strict";
import { test } from "node:test";

import { fieldHint, fieldLiteral, initialField, type Field } from "../src/pages/launch-field";

const INT = { var: { type: { simple: "INTEGER" as const } } };
const value = { scalar: { primitive: { integer: "4" } } };

test("an execution's value is said to be one until it is edited", () => {
  const shown: Field = { ...initialField("x", { ...INT, default: value }), note: "The execution's value" };
  assert.equal(fieldHint(shown), "The execution's value");
  assert.equal(fieldHint({ ...shown, text: "6", edited: true }), "");
});

test("a default is said to be shown until it is edited; left empty, the plan's default is used", () => {
  const shown = initialField("x", { ...INT, default: value });
  assert.equal(fieldHint(shown), "Default shown");
  assert.equal(fieldHint({ ...shown, text: "5", edited: true }), "");
  assert.equal(fieldHint({ ...shown, text: "", edited: true }), "Left empty: the plan's default");
  const required = initialField("y", { ...INT, required: true });
  assert.equal(fieldHint({ ...required, text: "", edited: true }), "");
});

test("kinds typed in a format of their own keep their format's hint", () => {
  const when = initialField("t", { var: { type: { simple: "DATETIME" } } });
  assert.match(fieldHint({ ...when, edited: true }), /ISO 8601/);
});

const OPTIONAL_INT = {
  union_type: { variants: [{ simple: "INTEGER", structure: { tag: "int" } }, { simple: "NONE", structure: { tag: "none" } }] },
};

test("a union field starts on its first variant; its None needs no value", () => {
  const f = initialField("u", { var: { type: OPTIONAL_INT }, required: true });
  assert.deepEqual([f.variant, f.text, f.literalMode], [0, "", false]);
  assert.throws(() => fieldLiteral({ ...f, edited: true }), /required/);
  assert.deepEqual(fieldLiteral({ ...f, variant: 1, edited: true }), {
    scalar: { union: { value: { scalar: { none_type: {} } }, type: OPTIONAL_INT.union_type.variants[1] } },
  });
});

test("a default is sent as it is until edited (a msgpack dataclass stays msgpack), then as typed", () => {
  const msgpack = { scalar: { binary: { tag: "msgpack", value: Buffer.from([0x81, 0xa1, 0x78, 0x01]).toString("base64") } } };
  const f = initialField("dc", { var: { type: { simple: "STRUCT" } }, default: msgpack });
  assert.equal(f.text, '{"x":1}');
  assert.deepEqual(fieldLiteral(f), msgpack);
  assert.deepEqual(fieldLiteral({ ...f, text: '{"x": 2}', edited: true }), { scalar: { generic: { x: 2 } } });
});
