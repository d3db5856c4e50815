// The execution page's Timeline tab: one row per node execution (children indented under their
// parent), queued segments hatched and running segments coloured by phase, one per attempt, with
// the phase as text at the row's start, retries counted, cache hits marked; live while the
// execution runs (the open segment grows to now). SVG scaled to the page width; classes only.
import { useMemo } from "preact/hooks";

import type { ExecutionId, NodeExecution, Workflow } from "../api";
import { formatDuration } from "../format";
import { allNodes, workflowGraph } from "../graph/model";
import { useNestedData } from "../nested-data";
import { phaseInfo } from "../phase";
import { timelineRows, timeRange, type Segment } from "./segments";
import "./timeline.css";

const WIDTH = 1000;
const LABEL = 300;
const BAR = WIDTH - LABEL - 12;
const ROW = 24;
const AXIS = 26;
const TICKS = 5;
const INDENT = 14;
// Attempts are fetched per node: for every task node of an execution this small, else the rows
// come from the node executions alone (one segment pair per node).
const MAX_ATTEMPT_FETCHES = 200;

function segmentTitle(nodeId: string, s: Segment): string {
  const who = s.attempt === null ? nodeId : `${nodeId} attempt ${s.attempt + 1}`;
  return `${who}: ${s.kind} ${formatDuration(s.end - s.start)}`;
}

export function ExecutionTimeline(props: {
  id: ExecutionId;
  nodes: NodeExecution[] | null;
  workflow: Workflow | null;
  live: boolean;
  paused: boolean;
  now: number;
}) {
  const labels = useMemo(
    () => new Map(allNodes(workflowGraph(props.workflow)).map((n) => [n.key, n.label])),
    [props.workflow],
  );
  const few = (props.nodes?.length ?? 0) <= MAX_ATTEMPT_FETCHES;
  const nested = useNestedData(props.id, props.nodes, {
    attemptsOf: (n) => few && !n.metadata?.is_parent_node && !n.id.node_id.endsWith("start-node") && !n.id.node_id.endsWith("end-node"),
    dynamic: false,
    scope: few ? "attempts" : "nodes",
    live: props.live,
    paused: props.paused,
  });
  const rows = useMemo(
    () => timelineRows(props.nodes ?? [], nested.value.children, nested.value.attempts, props.now),
    [props.nodes, nested.value, props.now],
  );
  const range = timeRange(rows);
  if (props.nodes === null) return <p class="muted">Loading nodes…</p>;
  if (rows.length === 0 || range === null) return <p class="muted">No node has started yet.</p>;
  const scale = BAR / (range.end - range.start);
  const x = (t: number) => LABEL + (t - range.start) * scale;
  const height = AXIS + rows.length * ROW;
  return (
    <>
      <ul class="inline graph-legend" aria-label="Legend">
        <li>
          <svg class="legend-swatch" viewBox="0 0 20 10" aria-hidden="true">
            <rect width="20" height="10" class="seg seg-queued" />
          </svg>{" "}
          queued
        </li>
        <li>
          <svg class="legend-swatch" viewBox="0 0 20 10" aria-hidden="true">
            <rect width="20" height="10" class="seg seg-running tone-ok" />
          </svg>{" "}
          running (coloured by phase)
        </li>
        <li class="muted">{rows.length} nodes</li>
      </ul>
      <svg class="timeline" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label="Timeline of the node executions" id="timeline">
        <defs>
          <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" class="hatch-bg" />
            <line x1="0" y1="0" x2="0" y2="6" class="hatch-line" />
          </pattern>
        </defs>
        <g class="taxis">
          {Array.from({ length: TICKS + 1 }, (_, i) => {
            const t = range.start + ((range.end - range.start) * i) / TICKS;
            return (
              <g key={i} transform={`translate(${x(t)},0)`}>
                <line y1={AXIS - 6} y2={height} />
                <text y={AXIS - 10} class={i === TICKS ? "end" : i === 0 ? "start" : ""}>
                  +{formatDuration(t - range.start)}
                </text>
              </g>
            );
          })}
        </g>
        {rows.map((row, i) => {
          const info = phaseInfo(row.phase);
          return (
            <g key={row.nodeId} class="trow" transform={`translate(0,${AXIS + i * ROW})`} data-node={row.nodeId} data-phase={row.phase}>
              <text x={6 + row.depth * INDENT} y={ROW / 2 + 4} class="trow-label">
                {labels.has(row.nodeId) && <tspan class="trow-name">{labels.get(row.nodeId)} </tspan>}
                {row.nodeId}{" "}
                <tspan class={`phase-${info.tone}`}>
                  {info.symbol} {info.label}
                </tspan>
                {row.attempts > 1 && <tspan class="muted"> {row.attempts} attempts</tspan>}
                {row.cacheHit && <tspan class="trow-cache"> ◆ cache hit</tspan>}
              </text>
              {row.segments.map((s, j) => (
                <rect
                  key={j}
                  x={x(s.start)}
                  y={5}
                  width={Math.max(2, (s.end - s.start) * scale)}
                  height={ROW - 10}
                  class={`seg seg-${s.kind} tone-${phaseInfo(s.phase).tone}`}
                >
                  <title>{segmentTitle(row.nodeId, s)}</title>
                </rect>
              ))}
            </g>
          );
        })}
      </svg>
    </>
  );
}
