// Which rows of a long table to draw (windowing): the ones in the viewport and a margin either
// side, with the height of the rows left out above and below (drawn as two spacer rows), so the
// scroll bar and every drawn row sit where they would with all rows drawn. Row heights are the
// ones measured when a row was last drawn, else the typical height: a row keeps its measured
// height once it scrolls out, so drawing another set of rows never moves the ones on screen.

export interface RowWindow {
  start: number; // first row drawn
  end: number; // one past the last
  before: number; // px of the rows not drawn above
  after: number; // and below
}

// `heights[i]` is row i's height; `top` is the viewport's top relative to the first row's top
// (negative while the table starts below it), `height` its height; `margin` px drawn beyond each
// edge. An empty window when no row is near the viewport is not possible: at least one row is
// drawn, the nearest, so the table never collapses to spacers alone.
export function rowWindow(heights: readonly number[], top: number, height: number, margin: number): RowWindow {
  const n = heights.length;
  let offset = 0;
  let start = 0;
  while (start < n - 1 && offset + heights[start] <= top - margin) offset += heights[start++];
  const before = offset;
  let end = start;
  while (end < n && (end === start || offset < top + height + margin)) offset += heights[end++];
  let after = 0;
  for (let i = end; i < n; i++) after += heights[i];
  return { start, end, before, after };
}

// The offset of row `index`'s top from the first row's top.
export function rowOffset(heights: readonly number[], index: number): number {
  let offset = 0;
  for (let i = 0; i < index && i < heights.length; i++) offset += heights[i];
  return offset;
}

// The typical height of a row: the median of those measured, else `fallback`.
export function typicalHeight(measured: Iterable<number>, fallback: number): number {
  const all = [...measured].sort((a, b) => a - b);
  return all.length === 0 ? fallback : all[Math.floor(all.length / 2)];
}
