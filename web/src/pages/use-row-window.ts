// Windowing for a long table in the page's own scroll (the Nodes tab): which rows to draw now
// (`rowWindow` in src/row-window.ts), following the window's scroll and size (once a frame), and
// each drawn row's height, measured after it is drawn and kept by row key so the spacers stay
// exact and nothing on screen moves when other rows are drawn. Tables of up to WINDOW_FROM rows
// are drawn whole (find-in-page sees every row).
import { useSignal } from "@preact/signals";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";

import { rowOffset, rowWindow, typicalHeight, type RowWindow } from "../row-window";

export const WINDOW_FROM = 200;
const ROW_PX = 37; // a one-line row, until rows are measured
const MARGIN_PX = 600; // drawn beyond each edge of the viewport: the next row is always there

export interface RowWindowing {
  windowed: boolean;
  window: RowWindow;
  rowsPerPage: number;
  scrollToRow: (index: number) => void; // brings a row that is not drawn into the viewport
}

export function useRowWindow(keys: readonly string[], body: { current: HTMLElement | null }): RowWindowing {
  const windowed = keys.length > WINDOW_FROM;
  const measured = useRef(new Map<string, number>());
  const view = useSignal({ top: 0, height: typeof innerHeight === "number" ? innerHeight : 800, looks: 0 });

  useEffect(() => {
    if (!windowed) return;
    let frame = 0;
    const look = () => {
      frame = 0;
      const top = body.current ? -body.current.getBoundingClientRect().top : 0;
      if (top !== view.value.top || innerHeight !== view.value.height) view.value = { ...view.value, top, height: innerHeight };
    };
    const later = () => (frame ||= requestAnimationFrame(look));
    look();
    addEventListener("scroll", later, { passive: true });
    addEventListener("resize", later);
    return () => {
      removeEventListener("scroll", later);
      removeEventListener("resize", later);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [windowed]);

  const typical = typicalHeight(measured.current.values(), ROW_PX);
  const heights = windowed ? keys.map((k) => measured.current.get(k) ?? typical) : [];
  const { top, height } = view.value;
  const shown = windowed ? rowWindow(heights, top, height, MARGIN_PX) : { start: 0, end: keys.length, before: 0, after: 0 };

  // The drawn rows' heights; one more drawing if one differs from what the spacers assumed.
  useLayoutEffect(() => {
    if (!windowed || !body.current) return;
    let changed = false;
    for (const row of body.current.querySelectorAll<HTMLElement>("tr[data-node]")) {
      const h = row.getBoundingClientRect().height;
      const key = row.dataset.node!;
      if (Math.abs((measured.current.get(key) ?? typical) - h) > 0.5) changed = true;
      measured.current.set(key, h);
    }
    if (changed) view.value = { ...view.value, looks: view.value.looks + 1 };
  });

  const scrollToRow = (index: number) => {
    if (!body.current) return;
    const bodyTop = body.current.getBoundingClientRect().top + scrollY;
    scrollTo({ top: bodyTop + rowOffset(heights, index) - innerHeight / 3 });
  };
  return { windowed, window: shown, rowsPerPage: Math.max(1, Math.floor(height / typical) - 2), scrollToRow };
}
