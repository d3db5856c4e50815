// A run's actions (ListActions: a flat list, each naming its parent) as the rows of a tree: each
// action under its parent, siblings in the order they were created, with their depth. Flyte 2
// has no static graph: the tree is whatever the parents enqueued so far.
import type { Progress } from "../api";
import type { Action } from "./api";

export interface ActionRow {
  action: Action;
  depth: number;
  children: number; // direct children
}

// Flyte 2's phases (`ACTION_PHASE_SUCCEEDED`) by the names ../phase.ts knows (`SUCCEEDED`);
// WAITING_FOR_RESOURCES and INITIALIZING show as queued.
export function v1Phase(phase: string | undefined): string {
  const name = (phase ?? "").replace(/^ACTION_PHASE_/, "");
  if (name === "WAITING_FOR_RESOURCES" || name === "INITIALIZING") return "QUEUED";
  return name === "" || name === "UNSPECIFIED" ? "UNDEFINED" : name;
}

// Rows in display order: depth first, a parent before its children. An action whose parent is
// not in the list (a page cut short) is shown at the top level rather than lost; `collapsed`
// names actions whose children are hidden.
export function actionRows(actions: Action[], collapsed: ReadonlySet<string> = new Set()): ActionRow[] {
  const names = new Set(actions.map((a) => a.id.name));
  const children = new Map<string, Action[]>();
  const roots: Action[] = [];
  for (const action of actions) {
    const parent = action.metadata?.parent;
    if (parent && parent !== action.id.name && names.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(action);
      children.set(parent, list);
    } else roots.push(action);
  }
  const rows: ActionRow[] = [];
  const seen = new Set<string>();
  const visit = (action: Action, depth: number) => {
    if (seen.has(action.id.name)) return; // a cycle in bad data must not hang the page
    seen.add(action.id.name);
    const kids = children.get(action.id.name) ?? [];
    rows.push({ action, depth, children: kids.length });
    if (collapsed.has(action.id.name)) return;
    for (const child of kids) visit(child, depth + 1);
  };
  // ListActions lists in creation order, which siblings keep.
  for (const root of roots) visit(root, 0);
  return rows;
}

// An action's or attempt's times as the console's Progress (../api.ts), so the v1 pages' start
// and duration cells (../pages/duration.tsx) show them: the duration from its start and end once
// it has ended (or the recorded milliseconds), counting from its start while it runs.
export function progressOf(status: {
  phase?: string;
  startTime?: string;
  endTime?: string;
  durationMs?: string;
}): Progress {
  const progress: Progress = { phase: v1Phase(status.phase) };
  if (status.startTime) progress.started_at = status.startTime;
  const start = Date.parse(status.startTime ?? "");
  const end = Date.parse(status.endTime ?? "");
  const ms = !Number.isNaN(start) && !Number.isNaN(end) ? end - start : Number(status.durationMs ?? NaN);
  if (!Number.isNaN(ms) && (status.endTime || status.durationMs)) progress.duration = `${(ms / 1000).toFixed(3)}s`;
  return progress;
}
