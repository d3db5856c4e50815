// A pannable, zoomable SVG viewport around a placed graph: drag or arrow keys pan, the wheel or
// +/− zoom (about the pointer, or the middle), `f` fits the whole graph, `0` returns to 100 %.
// Enter puts a focus on the first node; then arrows move it along edges (graph/focus.ts), Enter
// goes into a box, Escape out (and off the graph), and the view follows the focused node. The SVG
// keeps the keyboard focus and names the node with aria-activedescendant. Boxes collapse and
// expand on a click (or Enter on a collapsed one); a graph of more than COLLAPSE_ABOVE nodes opens
// with every box collapsed. On an execution's graph a click on a node that ran (or Enter on it)
// opens its side panel (`onOpen`); when the panel closes, the keyboard is back on that node, the
// view where it was. Placing happens here, once per graph and per collapse.
// The view transform is a signal bound to the SVG attribute, so panning a 1,000-node graph
// touches one attribute and re-renders no node. A graph too big to read when fitted opens at
// 100 % on its first node instead. Below 35 % the text goes (semantic zoom; titles remain).
import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import { firstKey, focusIndex, move, type FocusEntry, type Move } from "./focus";
import { allNodes, boxKeys, type Graph } from "./model";
import { place, type PlacedGraph } from "./nested";
import { GraphDrawing, opensPanel, type Statuses } from "./view";

interface View {
  scale: number;
  x: number;
  y: number;
}

const MARGIN = 24;
const MIN_SCALE = 0.02;
const MAX_SCALE = 3;
const READABLE = 0.35;
const STEP = 1.25;
const PAN = 80;
const COLLAPSE_ABOVE = 150;
const CLICK_SLOP = 4; // px a pointer may move and still click
const MIN_BESIDE_PANEL = 160; // px of graph left of the side panel worth moving a node into
const MOVES: Record<string, Move> = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down" };

export function fitView(graph: { width: number; height: number }, width: number, height: number): View {
  const scale = Math.min(1, (width - 2 * MARGIN) / Math.max(1, graph.width), (height - 2 * MARGIN) / Math.max(1, graph.height));
  const s = Math.max(MIN_SCALE, scale);
  return { scale: s, x: (width - graph.width * s) / 2, y: (height - graph.height * s) / 2 };
}

function firstView(graph: PlacedGraph, width: number, height: number): View {
  const fitted = fitView(graph, width, height);
  if (fitted.scale >= READABLE || graph.nodes.length === 0) return fitted;
  const first = graph.nodes.reduce((a, b) => (b.x < a.x || (b.x === a.x && b.y < a.y) ? b : a));
  return { scale: 1, x: MARGIN - first.x, y: height / 2 - first.y - first.height / 2 };
}

// The view moved just enough (to centre it) that `e` is on screen.
function showing(v: View, e: FocusEntry, width: number, height: number): View {
  const left = v.x + e.x * v.scale;
  const top = v.y + e.y * v.scale;
  const inside =
    left >= 0 && top >= 0 && left + e.width * v.scale <= width && top + e.height * v.scale <= height;
  if (inside) return v;
  return { ...v, x: width / 2 - (e.x + e.width / 2) * v.scale, y: height / 2 - (e.y + e.height / 2) * v.scale };
}

function zoomAt(v: View, factor: number, px: number, py: number): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.scale * factor));
  const k = scale / v.scale;
  return { scale, x: px - (px - v.x) * k, y: py - (py - v.y) * k };
}

// The nodes of a placed graph that open a side panel.
function panelKeys(graph: PlacedGraph, statuses: Statuses | null, out = new Set<string>()): Set<string> {
  for (const p of graph.nodes) {
    if (opensPanel(p, statuses)) out.add(p.node.key);
    if (p.children) panelKeys(p.children, statuses, out);
  }
  return out;
}

export function GraphCanvas(props: {
  graph: Graph;
  statuses: Statuses | null;
  live: boolean | null;
  label: string;
  selected?: string; // the node whose panel is open
  onOpen?: (key: string) => void;
}) {
  const svg = useRef<SVGSVGElement>(null);
  const [collapsed, setCollapsed] = useState(
    () => new Set(allNodes(props.graph).length > COLLAPSE_ABOVE ? boxKeys(props.graph) : []),
  );
  const placed = useMemo(() => place(props.graph, collapsed), [props.graph, collapsed]);
  const view = useSignal<View>({ scale: 1, x: MARGIN, y: MARGIN });
  const transform = useComputed(() => `translate(${view.value.x},${view.value.y}) scale(${view.value.scale})`);
  const classes = useComputed(() => (view.value.scale < READABLE ? "graph-canvas zoomed-out" : "graph-canvas"));
  const zoomText = useComputed(() => `${Math.round(view.value.scale * 100)} %`);
  const drag = useRef<{ x: number; y: number; id: number; dragging: boolean } | null>(null);
  const box = () => svg.current!.getBoundingClientRect();
  const index = useMemo(() => focusIndex(placed), [placed]);
  const active = useSignal<string | null>(null);
  const activeId = useComputed(() => (active.value === null ? undefined : `gnode-${active.value}`));
  const openable = useMemo(() => panelKeys(placed, props.statuses), [placed, props.statuses]);
  const open = (key: string): boolean => {
    if (!props.onOpen || !openable.has(key)) return false;
    props.onOpen(key);
    return true;
  };

  // The panel opened: the node it shows moves out from under it (the panel covers the page's
  // right side), and the view it had comes back when the panel closes, with the keyboard on
  // that node (the panel had the focus).
  const shown = useRef(props.selected);
  const before = useRef<View | null>(null);
  useEffect(() => {
    const closed = shown.current;
    shown.current = props.selected;
    const r = box();
    if (props.selected) {
      const entry = index.get(props.selected);
      const panel = document.getElementById("node-panel")?.getBoundingClientRect();
      const width = panel ? Math.min(r.width, panel.left - r.left) : r.width;
      if (!entry || width < MIN_BESIDE_PANEL) return;
      const seen = showing(view.value, entry, width, r.height);
      if (seen !== view.value) {
        before.current ??= view.value;
        view.value = seen;
      }
      return;
    }
    if (!closed || !index.has(closed)) return;
    if (before.current) view.value = before.current;
    before.current = null;
    svg.current?.focus({ preventScroll: true });
    active.value = closed;
  }, [props.selected]);

  const moved = useRef(false); // by the user: a new layout (a dynamic node expanded) keeps the view
  useEffect(() => {
    const r = box();
    if (!moved.current) view.value = firstView(placed, r.width, r.height);
    svg.current!.dataset.ready = "true"; // laid out and drawn: what the e2e test waits for
  }, [placed]);

  const setView = (v: View) => {
    moved.current = true;
    view.value = v;
  };
  const zoomMiddle = (factor: number) => {
    const r = box();
    setView(zoomAt(view.value, factor, r.width / 2, r.height / 2));
  };
  const fit = () => {
    const r = box();
    setView(fitView(placed, r.width, r.height));
  };
  const pan = (dx: number, dy: number) => setView({ ...view.value, x: view.value.x + dx, y: view.value.y + dy });

  const focusOn = (key: string | null) => {
    active.value = key;
    const entry = key === null ? undefined : index.get(key);
    if (!entry) return;
    const r = box();
    setView(showing(view.value, entry, r.width, r.height));
  };
  const toggle = (key: string) => {
    moved.current = true; // the view stays where it is
    const next = new Set(collapsed);
    if (!next.delete(key)) next.add(key);
    setCollapsed(next);
  };
  const onNodeKey = (e: KeyboardEvent, key: string): boolean => {
    const where: Move | undefined = MOVES[e.key] ?? (e.key === "Enter" ? "in" : e.key === "Escape" ? "out" : undefined);
    if (!where) return false;
    if (where === "in" && collapsed.has(key)) {
      toggle(key);
      return true;
    }
    if (where === "in" && open(key)) return true;
    const next = move(index, key, where);
    focusOn(where === "out" && next === key ? null : next);
    return true;
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (active.value !== null && onNodeKey(e, active.value)) {
      e.preventDefault();
      return;
    }
    if (e.key === "Enter") {
      e.preventDefault();
      focusOn(firstKey(placed));
      return;
    }
    const actions: Record<string, () => void> = {
      "+": () => zoomMiddle(STEP),
      "=": () => zoomMiddle(STEP),
      "-": () => zoomMiddle(1 / STEP),
      f: fit,
      "0": () => setView({ ...view.value, scale: 1 }),
      ArrowLeft: () => pan(PAN, 0),
      ArrowRight: () => pan(-PAN, 0),
      ArrowUp: () => pan(0, PAN),
      ArrowDown: () => pan(0, -PAN),
    };
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  return (
    <div class="graph">
      <div class="graph-tools" role="toolbar" aria-label="Graph view">
        <button type="button" onClick={() => zoomMiddle(STEP)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoomMiddle(1 / STEP)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={fit}>
          Fit
        </button>
        <span class="muted graph-zoom">{zoomText}</span>
        <span class="muted">
          Drag or arrow keys to pan, wheel or +/− to zoom, f to fit; Enter, then arrows, to go from node to node;
          a click or Enter on a node shows its details.
        </span>
      </div>
      <svg
        ref={svg}
        class={classes}
        tabindex={0} // lower case: SVG attributes are case-sensitive
        role="group"
        aria-label={props.label}
        aria-activedescendant={activeId}
        onKeyDown={onKey}
        onBlur={() => (active.value = null)}
        onWheel={(e) => {
          e.preventDefault();
          const r = box();
          setView(zoomAt(view.value, Math.exp(-e.deltaY * 0.002), e.clientX - r.left, e.clientY - r.top));
        }}
        onPointerDown={(e) => {
          if (e.button === 0) drag.current = { x: e.clientX, y: e.clientY, id: e.pointerId, dragging: false };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d || d.id !== e.pointerId) return;
          // Captured only once it is a drag, so a click still reaches the box under the pointer.
          if (!d.dragging && Math.hypot(e.clientX - d.x, e.clientY - d.y) < CLICK_SLOP) return;
          if (!d.dragging) svg.current!.setPointerCapture(e.pointerId);
          pan(e.clientX - d.x, e.clientY - d.y);
          drag.current = { ...d, x: e.clientX, y: e.clientY, dragging: true };
        }}
        onPointerUp={() => (drag.current = null)}
        onPointerCancel={() => (drag.current = null)}
        onClick={(e) => {
          // The innermost node clicked: a box's own frame or title, not a node inside it.
          const shape = (e.target as Element).closest("g.gnode");
          const key = shape?.getAttribute("data-node");
          if (!key) return;
          if (shape!.classList.contains("gnode-box-toggle")) toggle(key);
          else open(key);
        }}
      >
        <g transform={transform}>
          <GraphDrawing
            graph={placed}
            statuses={props.statuses}
            live={props.live}
            active={active}
            selected={props.selected}
          />
        </g>
      </svg>
    </div>
  );
}
