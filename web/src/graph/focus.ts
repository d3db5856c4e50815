// Keyboard moves between the nodes of a placed graph: → and ← follow edges downstream and
// upstream, ↓ and ↑ go to the next node below or above in the same column, Enter goes into a box
// (its first node), Escape back out to the box. Each node's absolute position, so the view can
// keep the focused node on screen.
import { BOX_HEADER, BOX_PAD, type PlacedGraph, type PlacedNode } from "./nested";

export type Move = "left" | "right" | "up" | "down" | "in" | "out";

export interface FocusEntry {
  key: string;
  x: number; // absolute, in graph units
  y: number;
  width: number;
  height: number;
  parent: string | null;
  first: string | null; // a box's first node
  upstream: string[];
  downstream: string[];
  column: string[]; // nodes of the same level whose x is the same, top to bottom
}

function add<K>(map: Map<K, string[]>, key: K, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function leftmost(nodes: PlacedNode[]): PlacedNode | null {
  return nodes.reduce<PlacedNode | null>((a, b) => (a === null || b.x < a.x || (b.x === a.x && b.y < a.y) ? b : a), null);
}

export function focusIndex(graph: PlacedGraph): Map<string, FocusEntry> {
  const index = new Map<string, FocusEntry>();
  const visit = (level: PlacedGraph, dx: number, dy: number, parent: string | null) => {
    const keyOf = new Map(level.nodes.map((p) => [p.node.id, p.node.key]));
    const upstream = new Map<string, string[]>();
    const downstream = new Map<string, string[]>();
    for (const e of level.edges) {
      add(upstream, e.to, keyOf.get(e.from)!);
      add(downstream, e.from, keyOf.get(e.to)!);
    }
    const columns = new Map<number, string[]>();
    for (const p of [...level.nodes].sort((a, b) => a.y - b.y)) add(columns, p.x, p.node.key);
    for (const p of level.nodes) {
      const column = columns.get(p.x)!;
      const first = p.children ? leftmost(p.children.nodes) : null;
      index.set(p.node.key, {
        key: p.node.key,
        x: dx + p.x,
        y: dy + p.y,
        width: p.width,
        height: p.height,
        parent,
        first: first?.node.key ?? null,
        upstream: upstream.get(p.node.id) ?? [],
        downstream: downstream.get(p.node.id) ?? [],
        column,
      });
      if (p.children) visit(p.children, dx + p.x + BOX_PAD, dy + p.y + BOX_HEADER, p.node.key);
    }
  };
  visit(graph, 0, 0, null);
  return index;
}

// The node a move from `key` lands on, or `key` when there is none that way.
export function move(index: Map<string, FocusEntry>, key: string, where: Move): string {
  const at = index.get(key);
  if (!at) return key;
  const inColumn = at.column.indexOf(key);
  const next: Record<Move, string | null | undefined> = {
    right: at.downstream[0],
    left: at.upstream[0],
    down: at.column[inColumn + 1],
    up: at.column[inColumn - 1],
    in: at.first,
    out: at.parent,
  };
  return next[where] ?? key;
}

export function firstKey(graph: PlacedGraph): string | null {
  return leftmost(graph.nodes)?.node.key ?? null;
}
