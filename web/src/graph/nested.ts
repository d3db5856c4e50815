// Places a nested graph: every sub-workflow or branch is laid out first, children before parent,
// and its node becomes a box the size of that layout; then each level goes through layout(). A
// box in `collapsed` is placed as one node that says how many it hides.
// Positions are relative to the enclosing box, so the view nests <g> elements; edges are cubic
// curves from the right of one node to the left of the next.
import { layout } from "./layout";
import { allNodes, type Graph, type GraphNode } from "./model";

export const NODE_WIDTH = 176;
export const NODE_HEIGHT = 48;
export const TERMINAL_SIZE = 36; // start and end
export const BOX_PAD = 14;
export const BOX_HEADER = 40;
export const COLLAPSED_HEIGHT = 64;

export interface PlacedNode {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
  children?: PlacedGraph;
  hidden?: number; // a collapsed box: how many nodes it holds
}

export interface PlacedGraph {
  nodes: PlacedNode[];
  edges: { from: string; to: string; path: string }[];
  width: number;
  height: number;
}

function edgePath(a: PlacedNode, b: PlacedNode): string {
  const x1 = a.x + a.width;
  const y1 = a.y + a.height / 2;
  const x2 = b.x;
  const y2 = b.y + b.height / 2;
  const bend = Math.max(16, (x2 - x1) / 2);
  return `M${x1} ${y1}C${x1 + bend} ${y1} ${x2 - bend} ${y2} ${x2} ${y2}`;
}

export function place(graph: Graph, collapsed: Set<string> = new Set()): PlacedGraph {
  const sized = graph.nodes.map((node): PlacedNode => {
    if (node.children && node.children.nodes.length > 0 && collapsed.has(node.key)) {
      return { node, x: 0, y: 0, width: NODE_WIDTH, height: COLLAPSED_HEIGHT, hidden: allNodes(node.children).length };
    }
    if (node.children && node.children.nodes.length > 0) {
      const children = place(node.children, collapsed);
      return {
        node,
        x: 0,
        y: 0,
        width: Math.max(NODE_WIDTH, children.width + 2 * BOX_PAD),
        height: children.height + BOX_HEADER + BOX_PAD,
        children,
      };
    }
    const terminal = node.kind === "start" || node.kind === "end";
    return {
      node,
      x: 0,
      y: 0,
      width: terminal ? TERMINAL_SIZE : NODE_WIDTH,
      height: terminal ? TERMINAL_SIZE : NODE_HEIGHT,
    };
  });
  const result = layout({
    nodes: sized.map((p) => ({ id: p.node.id, width: p.width, height: p.height })),
    edges: graph.edges,
  });
  const byId = new Map<string, PlacedNode>();
  for (const p of sized) {
    const at = result.positions.get(p.node.id)!;
    p.x = at.x;
    p.y = at.y;
    byId.set(p.node.id, p);
  }
  return {
    nodes: sized,
    edges: graph.edges.map((e) => ({ ...e, path: edgePath(byId.get(e.from)!, byId.get(e.to)!) })),
    width: result.width,
    height: result.height,
  };
}
