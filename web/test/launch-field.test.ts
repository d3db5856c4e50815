import assert from "node:assert/strict";
import { test } from "node:test";

import { fieldHint, initialField, type Field } from "../src/pages/launch-field";

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
