// The executions list's filters (CONSOLE.md §4.2, R14): phases, a name search, the workflow, the
// launch plan, when it was created (after, before; UTC), how long it ran (at least, at most;
// seconds) and tags (any of them), kept in the URL (`?status=failed;running&search=abc&
// workflow=wf.name&launchPlan=lp&after=2026-11-29T10:00:00Z&minDuration=60&tags=nightly;ml`;
// `status` as FlyteConsole writes it: its filter keys joined by ';') so a reload or a shared link
// shows the same list, and turned into flyteadmin's filter grammar for ListExecutions:
// `value_in(phase,FAILED;RUNNING)+contains(name,abc)+eq(workflow.name,wf.name)+
// eq(launch_plan.name,lp)+gte(created_at,..)+gte(duration,60)+value_in(execution_tag.key,nightly;ml)`
// (flyteadmin's execution tags hold the tags and the labels' keys).

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
  launchPlan?: string; // the launch plan's name; absent: any
  after?: string; // created at or after (RFC 3339, UTC); absent: since ever
  before?: string; // created at or before; absent: until now
  minDuration?: string; // ran at least this many seconds (digits); absent: any
  maxDuration?: string; // ran at most this many seconds
  tags?: string[]; // has one of these tags (or label keys), no repeats; absent: any
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

// Whole seconds as the URL keeps them ("" if not that).
export function seconds(text: string | null | undefined): string {
  const t = (text ?? "").trim();
  return /^\d{1,9}$/.test(t) ? String(Number(t)) : "";
}

// Tags as typed ("nightly, ml") or kept in the URL ("nightly;ml"), without repeats or grammar.
export function parseTags(text: string | null | undefined): string[] {
  return [...new Set((text ?? "").split(/[,;]/).map(clean).filter(Boolean))];
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
  const launchPlan = clean(query.get("launchPlan"));
  if (launchPlan) out.launchPlan = launchPlan;
  const after = utcTime(query.get("after"));
  if (after) out.after = after;
  const before = utcTime(query.get("before"));
  if (before) out.before = before;
  const minDuration = seconds(query.get("minDuration"));
  if (minDuration) out.minDuration = minDuration;
  const maxDuration = seconds(query.get("maxDuration"));
  if (maxDuration) out.maxDuration = maxDuration;
  const tags = parseTags(query.get("tags"));
  if (tags.length) out.tags = tags;
  return out;
}

const TEXT_KEYS = ["search", "workflow", "launchPlan", "after", "before", "minDuration", "maxDuration"] as const;

export function filterParams(filters: ExecutionFilters, query = new URLSearchParams()): URLSearchParams {
  if (filters.status?.length) query.set("status", filters.status.join(";"));
  for (const key of TEXT_KEYS) {
    if (filters[key]) query.set(key, filters[key]);
  }
  if (filters.tags?.length) query.set("tags", filters.tags.join(";"));
  return query;
}

// The filters of a route (which holds more than them).
export function filtersOf(route: ExecutionFilters): ExecutionFilters {
  const out: ExecutionFilters = {};
  if (route.status) out.status = route.status;
  for (const key of TEXT_KEYS) {
    if (route[key]) out[key] = route[key];
  }
  if (route.tags) out.tags = route.tags;
  return out;
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
  const launchPlan = clean(filters.launchPlan);
  if (launchPlan) terms.push(`eq(launch_plan.name,${launchPlan})`);
  const after = utcTime(filters.after);
  if (after) terms.push(`gte(created_at,${after})`);
  const before = utcTime(filters.before);
  if (before) terms.push(`lte(created_at,${before})`);
  const minDuration = seconds(filters.minDuration);
  if (minDuration) terms.push(`gte(duration,${minDuration})`);
  const maxDuration = seconds(filters.maxDuration);
  if (maxDuration) terms.push(`lte(duration,${maxDuration})`);
  const tags = parseTags((filters.tags ?? []).join(";"));
  if (tags.length) terms.push(`value_in(execution_tag.key,${tags.join(";")})`);
  return terms.join("+");
}

// The filters with one status picked or unpicked.
export function toggleStatus(filters: ExecutionFilters, key: StatusKey): ExecutionFilters {
  const picked = new Set(filters.status ?? []);
  if (!picked.delete(key)) picked.add(key);
  const status = KEYS.filter((k) => picked.has(k));
  return { ...filters, status: status.length ? status : undefined };
}
