import assert from "node:assert/strict";
import { test } from "node:test";

import { rowOffset, rowWindow, typicalHeight } from "../src/row-window";

const even = (n: number, h = 10) => Array.from({ length: n }, () => h);

test("a window draws the rows in the viewport and its margins, spacers for the rest", () => {
  // 1,000 rows of 10 px; the viewport shows rows 500..549; 100 px margin: rows 490..559.
  assert.deepEqual(rowWindow(even(1000), 5000, 500, 100), { start: 490, end: 560, before: 4900, after: 4400 });
  // The table starts below the viewport's top (top < 0): from the first row.
  assert.deepEqual(rowWindow(even(1000), -300, 800, 100), { start: 0, end: 60, before: 0, after: 9400 });
  // Scrolled to the end: the last rows, nothing after.
  const end = rowWindow(even(1000), 9600, 400, 100);
  assert.deepEqual([end.end, end.after, end.start], [1000, 0, 950]);
  // Heights add up to the whole table, wherever the viewport is.
  for (const top of [-50, 0, 1234, 9999, 20_000]) {
    const w = rowWindow(even(1000), top, 300, 50);
    assert.equal(w.before + (w.end - w.start) * 10 + w.after, 10_000);
    assert.ok(w.end > w.start, `${top}: at least one row`);
  }
});

test("rows of their measured heights: a row drawn elsewhere does not move the ones on screen", () => {
  const heights = even(100);
  heights[3] = 40; // a row with an error under its phase
  const w = rowWindow(heights, 500, 100, 0);
  assert.equal(w.before, rowOffset(heights, w.start));
  assert.equal(rowOffset(heights, 10), 130);
  assert.equal(w.start, 47); // row 47 starts at 500: 3 rows above are 30 px taller
  assert.equal(w.before + (w.end - w.start) * 10 + w.after, 1030);
  assert.deepEqual(rowWindow([], 0, 100, 0), { start: 0, end: 0, before: 0, after: 0 });
});

test("the typical height is the median measured, else the fallback", () => {
  assert.equal(typicalHeight([], 37), 37);
  assert.equal(typicalHeight([30, 31, 90, 31, 31], 37), 31);
});
