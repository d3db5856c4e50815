import assert from "node:assert/strict";
import { test } from "node:test";

import { isTerminal, phaseInfo } from "../src/phase";

test("terminal phases stop live updates", () => {
  for (const p of ["SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT", "SKIPPED", "RECOVERED"]) assert.ok(isTerminal(p), p);
  for (const p of ["UNDEFINED", "QUEUED", "RUNNING", "SUCCEEDING", "FAILING", "ABORTING", "DYNAMIC_RUNNING", undefined]) {
    assert.ok(!isTerminal(p), String(p));
  }
});

test("every phase has a symbol and a word, unknown ones included", () => {
  assert.deepEqual(
    [phaseInfo("FAILED").symbol, phaseInfo("FAILED").label],
    ["✕", "Failed"],
  );
  const unknown = phaseInfo("SOMETHING_NEW");
  assert.equal(unknown.label, "SOMETHING_NEW");
  assert.ok(unknown.symbol.length > 0);
  assert.ok(!unknown.terminal);
});
