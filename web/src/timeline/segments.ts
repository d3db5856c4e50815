// The Timeline's rows: one per node execution (children right after their parent, indented), each
// a list of segments on the time axis — queued (created → started) and running (started → end,
// or now while it runs) — per attempt when the node's task executions are known (retries show as
// separate segments), else from the node's own closure. Missing or unparsable timestamps drop a
// segment rather than the row (FlyteConsole's timeline crashed on them, flyte#3698).
import type { NodeExecution, Progress, TaskExecution } from "../api";
import { parseDurationMs } from "../format";
import { isTerminal } from "../phase";

export interface Segment {
  kind: "queued" | "running";
  start: number; // ms since the epoch
  end: number;
  attempt: number | null; // retry attempt, null when from the node itself
  phase: string;
}

export interface TimelineRow {
  nodeId: string;
  depth: number;
  phase: string;
  attempts: number;
  cacheHit: boolean;
  segments: Segment[];
}

const HIDDEN = new Set(["start-node", "end-node"]);

const time = (iso: string | undefined) => (iso ? Date.parse(iso) : NaN);

// When something that started at `started` stopped: started + duration once ended (else its last
// update), `now` while it runs.
function endOf(p: Progress, started: number, now: number): number {
  if (!isTerminal(p.phase)) return now;
  const ms = parseDurationMs(p.duration);
  if (ms !== null && ms > 0) return started + ms;
  const updated = time(p.updated_at);
  return Number.isNaN(updated) ? started : Math.max(started, updated);
}

// Queued then running, for one closure. `queuedFrom` is when it was created (or handed on).
function span(p: Progress, queuedFrom: number, attempt: number | null, now: number): Segment[] {
  const out: Segment[] = [];
  const started = time(p.started_at);
  const phase = p.phase;
  if (Number.isNaN(started)) {
    if (!Number.isNaN(queuedFrom)) out.push({ kind: "queued", start: queuedFrom, end: endOf(p, queuedFrom, now), attempt, phase });
    return out;
  }
  if (!Number.isNaN(queuedFrom) && queuedFrom < started) out.push({ kind: "queued", start: queuedFrom, end: started, attempt, phase });
  out.push({ kind: "running", start: started, end: endOf(p, started, now), attempt, phase });
  return out;
}

export function nodeSegments(node: NodeExecution, attempts: TaskExecution[] | undefined, now: number): Segment[] {
  const created = time(node.closure.created_at);
  if (!attempts || attempts.length === 0) return span(node.closure, created, null, now);
  const sorted = [...attempts].sort((a, b) => (a.id.retry_attempt ?? 0) - (b.id.retry_attempt ?? 0));
  const out: Segment[] = [];
  let queuedFrom = created;
  for (const a of sorted) {
    const attemptCreated = time(a.closure.created_at);
    // An attempt waits from its own creation, the first also from the node's.
    const from = out.length === 0 && !Number.isNaN(queuedFrom) ? queuedFrom : attemptCreated;
    out.push(...span(a.closure, from, a.id.retry_attempt ?? 0, now));
    queuedFrom = NaN;
  }
  return out;
}

const isChildOf = (nodeId: string, parent: string) => nodeId.startsWith(parent + "-0-");

// "n1-0-end-node" → "end-node": the id in the node's own workflow.
function specId(nodeId: string): string {
  const at = nodeId.lastIndexOf("-0-");
  return at < 0 ? nodeId : nodeId.slice(at + 3);
}

export function timelineRows(
  top: NodeExecution[],
  children: NodeExecution[],
  attempts: Map<string, TaskExecution[]>,
  now: number,
): TimelineRow[] {
  const byParent = new Map<string, NodeExecution[]>();
  const parents = [...top, ...children].filter((n) => n.metadata?.is_parent_node).map((n) => n.id.node_id);
  for (const child of children) {
    const id = child.id.node_id;
    const parent = parents.filter((p) => isChildOf(id, p)).sort((a, b) => b.length - a.length)[0];
    if (parent !== undefined) byParent.set(parent, [...(byParent.get(parent) ?? []), child]);
  }
  const rows: TimelineRow[] = [];
  const visit = (n: NodeExecution) => {
    if (HIDDEN.has(specId(n.id.node_id))) return;
    const a = attempts.get(n.id.node_id);
    rows.push({
      nodeId: n.id.node_id,
      depth: parents.filter((p) => isChildOf(n.id.node_id, p)).length,
      phase: n.closure.phase,
      attempts: a?.length ?? 0,
      cacheHit: n.closure.task_node_metadata?.cache_status === "CACHE_HIT",
      segments: nodeSegments(n, a, now),
    });
    for (const child of byParent.get(n.id.node_id) ?? []) visit(child);
  };
  top.forEach(visit);
  return rows;
}

// The axis: from the earliest segment start to the latest end (at least 1 ms long).
export function timeRange(rows: TimelineRow[]): { start: number; end: number } | null {
  let start = Infinity;
  let end = -Infinity;
  for (const row of rows) {
    for (const s of row.segments) {
      start = Math.min(start, s.start);
      end = Math.max(end, s.end);
    }
  }
  return start === Infinity ? null : { start, end: Math.max(end, start + 1) };
}
