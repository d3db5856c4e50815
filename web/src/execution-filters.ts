// The executions list's filters (CONSOLE.md §4.2, R14): phases, a name search, the workflow, and
// when it was created (after, before; UTC), kept in the URL
// (`?status=failed;running&search=abc&workflow=wf.name&after=2026-11-29T10:00:00Z`; `status` as
// FlyteConsole writes it: its filter keys joined by ';') so a reload or a shared link shows the
// same list, and turned into flyteadmin's filter grammar for ListExecutions:
// `value_in(phase,FAILED;RUNNING)+contains(name,abc)+eq(workflow.name,wf.name)+gte(created_at,..)`.

// Each status the reader picks and the execution phases it stands for, the first shown for it
// (the passing phases SUCCEEDING, FAILING and ABORTING are still running).
export const STATUSES = {
  queued: ["QUEUED", "UNDEFINED"],
  running: ["RUNNING", "SUCCEEDING", "FAILING", "ABORTING"],
  succeeded: ["SUCCEEDED"],
  failed: ["FAILED"],
  timedOut: ["TIMED_OUT"],
  aborted: ["ABORTED"],
} as const;

export type StatusKey = keyof typeof STATUSES;
const KEYS = Object.keys(STATUSES) as StatusKey[];

export interface ExecutionFilters {
  status?: StatusKey[]; // in STATUSES order, no repeats; absent: every phase
  search?: string; // part of the execution's name; absent: any
  workflow?: string; // the workflow's name; absent: any
  after?: string; // created at or after (RFC 3339, UTC); absent: since ever
  before?: string; // created at or before; absent: until now
}

// The characters the filter grammar gives a meaning to (and execution names never hold).
const GRAMMAR = /[(),+;]/g;

const clean = (text: string | null | undefined) => (text ?? "").replace(GRAMMAR, "").trim();

// A time as the URL and the gateway take it: RFC 3339 in UTC, to the second ("" if not a time).
// Without a zone it is UTC, as the console shows every time.
export function utcTime(text: string | null | undefined): string {
  const t = (text ?? "").trim();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(t)) return "";
  const ms = Date.parse(/(Z|[+-]\d\d:\d\d)$/i.test(t) ? t : t + "Z");
  return Number.isNaN(ms) ? "" : new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

export function parseFilters(query: URLSearchParams): ExecutionFilters {
  const out: ExecutionFilters = {};
  const picked = new Set((query.get("status") ?? "").split(";"));
  const status = KEYS.filter((k) => picked.has(k));
  if (status.length) out.status = status;
  const search = clean(query.get("search"));
  if (search) out.search = search;
  const workflow = clean(query.get("workflow"));
  if (workflow) out.workflow = workflow;
  const after = utcTime(query.get("after"));
  if (after) out.after = after;
  const before = utcTime(query.get("before"));
  if (before) out.before = before;
  return out;
}

export function filterParams(filters: ExecutionFilters, query = new URLSearchParams()): URLSearchParams {
  if (filters.status?.length) query.set("status", filters.status.join(";"));
  for (const key of ["search", "workflow", "after", "before"] as const) {
    if (filters[key]) query.set(key, filters[key]);
  }
  return query;
}

// The `filters` value of ListExecutions, "" for none.
export function filterExpression(filters: ExecutionFilters): string {
  const terms: string[] = [];
  const phases = (filters.status ?? []).flatMap((k) => STATUSES[k]);
  if (phases.length) terms.push(`value_in(phase,${phases.join(";")})`);
  const search = clean(filters.search);
  if (search) terms.push(`contains(name,${search})`);
  const workflow = clean(filters.workflow);
  if (workflow) terms.push(`eq(workflow.name,${workflow})`);
  const after = utcTime(filters.after);
  if (after) terms.push(`gte(created_at,${after})`);
  const before = utcTime(filters.before);
  if (before) terms.push(`lte(created_at,${before})`);
  return terms.join("+");
}

// The filters with one status picked or unpicked.
export function toggleStatus(filters: ExecutionFilters, key: StatusKey): ExecutionFilters {
  const picked = new Set(filters.status ?? []);
  if (!picked.delete(key)) picked.add(key);
  const status = KEYS.filter((k) => picked.has(k));
  return { ...filters, status: status.length ? status : undefined };
}
