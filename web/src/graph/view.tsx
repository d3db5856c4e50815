// The graph as SVG: nodes coloured by phase and labelled with it (symbol and word, never colour
// alone), sub-workflows and branches as boxes holding their own graph, map nodes with done/total.
// Without statuses (a workflow page) each node says what kind it is instead. Only classes style
// it (the CSP allows no inline styles); positions are SVG `transform` attributes.
import type { ReadonlySignal } from "@preact/signals";
import type { ComponentChildren } from "preact";

import { shownPhase } from "../gates";
import { phaseInfo } from "../phase";
import type { NodeKind } from "./model";
import { BOX_HEADER, BOX_PAD, type PlacedGraph, type PlacedNode } from "./nested";

export interface NodeStatus {
  phase: string;
  done?: number; // map nodes: items finished…
  total?: number; // …of this many
}

export type Statuses = Map<string, NodeStatus>;

const KIND_LABELS: Record<NodeKind, string> = {
  start: "start",
  end: "end",
  task: "task",
  workflow: "sub-workflow",
  launchplan: "launch plan",
  branch: "branch",
  map: "map task",
  gate: "gate",
  node: "node",
};

const MAX_LABEL = 22;
const clip = (text: string) => (text.length > MAX_LABEL ? text.slice(0, MAX_LABEL - 1) + "…" : text);

// "✓ Succeeded 3/4", or the node's kind on a static graph, or "not run" once it is plain that it
// will not (the execution is over, or a branch took another way).
function statusText(p: PlacedNode, status: NodeStatus | undefined, live: boolean | null): string {
  if (live === null) return KIND_LABELS[p.node.kind];
  if (!status) return live ? "○ Not started" : "– Not run";
  const info = phaseInfo(shownPhase(status.phase, p.node.kind === "gate"));
  const count = status.total !== undefined ? ` ${status.done ?? 0}/${status.total}` : "";
  return `${info.symbol} ${info.label}${count}`;
}

function tone(p: PlacedNode, status: NodeStatus | undefined, live: boolean | null): string {
  if (live === null) return "tone-static";
  return status ? `tone-${phaseInfo(shownPhase(status.phase, p.node.kind === "gate")).tone}` : "tone-none";
}

interface DrawingProps {
  statuses: Statuses | null;
  live: boolean | null; // null for a static graph (no execution), else whether the execution still runs
  active: ReadonlySignal<string | null>; // the node the keyboard is on
  selected: string | undefined; // the node whose side panel is open
}

// A node that opens its side panel on a click or Enter: one that ran (it has a node execution),
// not a box (a click there folds it) nor the start or end.
export function opensPanel(p: PlacedNode, statuses: Statuses | null): boolean {
  const kind = p.node.kind;
  return !!statuses?.has(p.node.key) && !p.children && !p.hidden && kind !== "start" && kind !== "end";
}

function NodeShape(props: DrawingProps & { p: PlacedNode }) {
  const { p, statuses, live } = props;
  const status = statuses?.get(p.node.key);
  const text = statusText(p, status, live);
  const classes =
    `gnode kind-${p.node.kind} ${tone(p, status, live)}` +
    (props.active.value === p.node.key ? " gnode-active" : "") +
    (props.selected === p.node.key ? " gnode-selected" : "") +
    (opensPanel(p, statuses) ? " gnode-opens" : "");
  const hidden = p.hidden ? `, collapsed: ${p.hidden} nodes inside` : "";
  const title = `${p.node.id}, ${p.node.label}, ${live === null ? text : text.slice(2)}${hidden}`; // without the symbol
  const box = p.children || p.hidden;
  const id = `gnode-${p.node.key}`;
  if (p.node.kind === "start" || p.node.kind === "end") {
    const r = p.width / 2;
    return (
      <g class={classes} transform={`translate(${p.x},${p.y})`} data-node={p.node.key} id={id} role="img" aria-label={title}>
        <title>{title}</title>
        <circle cx={r} cy={r} r={r} class="gnode-box" />
        <text x={r} y={r + 4} class="gnode-terminal">
          {p.node.kind}
        </text>
      </g>
    );
  }
  return (
    <g
      class={classes + (box ? " gnode-group gnode-box-toggle" : "")}
      transform={`translate(${p.x},${p.y})`}
      data-node={p.node.key}
      data-phase={status?.phase}
      id={id}
      role={p.children ? "group" : "img"}
      aria-label={title}
    >
      <title>{title}</title>
      <rect width={p.width} height={p.height} rx={6} class="gnode-box" />
      <text x={10} y={18} class="gnode-label">
        {box && <tspan class="gnode-toggle">{p.hidden ? "▸ " : "▾ "}</tspan>}
        {clip(p.node.label)}
        {p.node.label !== p.node.id && <tspan class="gnode-id"> {p.node.id}</tspan>}
      </text>
      <text x={10} y={p.children ? 35 : 37} class="gnode-phase">
        {text}
      </text>
      {p.hidden && (
        <text x={10} y={55} class="gnode-hidden">
          {p.hidden} nodes inside
        </text>
      )}
      {p.children && (
        <g transform={`translate(${BOX_PAD},${BOX_HEADER})`}>
          <Level graph={p.children} statuses={statuses} live={live} active={props.active} selected={props.selected} />
        </g>
      )}
    </g>
  );
}

function Level(props: DrawingProps & { graph: PlacedGraph }) {
  return (
    <>
      <g class="gedges">
        {props.graph.edges.map((e) => (
          <path key={`${e.from}>${e.to}`} d={e.path} />
        ))}
      </g>
      {props.graph.nodes.map((p) => (
        <NodeShape
          key={p.node.id}
          p={p}
          statuses={props.statuses}
          live={props.live}
          active={props.active}
          selected={props.selected}
        />
      ))}
    </>
  );
}

export function GraphDrawing(props: DrawingProps & { graph: PlacedGraph }) {
  return <Level {...props} />;
}

export function Legend(props: { children?: ComponentChildren }) {
  const tones = ["QUEUED", "RUNNING", "PAUSED", "SUCCEEDED", "FAILED", "ABORTED", "SKIPPED"];
  return (
    <ul class="inline graph-legend" aria-label="Legend">
      {tones.map((phase) => {
        const info = phaseInfo(phase);
        return (
          <li key={phase} class={`phase phase-${info.tone}`}>
            <span aria-hidden="true">{info.symbol}</span> {info.label}
          </li>
        );
      })}
      {props.children}
    </ul>
  );
}
