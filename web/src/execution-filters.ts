// The executions list's filters (CONSOLE.md §4.2, R14): phases and a name search, kept in the URL
// (`?status=failed;running&search=abc`; `status` as FlyteConsole writes it: its filter keys joined
// by ';') so a reload or a shared link shows the same list, and turned into flyteadmin's filter
// grammar for ListExecutions: `value_in(phase,FAILED;RUNNING)+contains(name,abc)`.

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
}

// The characters the filter grammar gives a meaning to (and execution names never hold).
const GRAMMAR = /[(),+;]/g;

export function parseFilters(query: URLSearchParams): ExecutionFilters {
  const out: ExecutionFilters = {};
  const picked = new Set((query.get("status") ?? "").split(";"));
  const status = KEYS.filter((k) => picked.has(k));
  if (status.length) out.status = status;
  const search = (query.get("search") ?? "").replace(GRAMMAR, "").trim();
  if (search) out.search = search;
  return out;
}

export function filterParams(filters: ExecutionFilters, query = new URLSearchParams()): URLSearchParams {
  if (filters.status?.length) query.set("status", filters.status.join(";"));
  if (filters.search) query.set("search", filters.search);
  return query;
}

// The `filters` value of ListExecutions, "" for none.
export function filterExpression(filters: ExecutionFilters): string {
  const terms: string[] = [];
  const phases = (filters.status ?? []).flatMap((k) => STATUSES[k]);
  if (phases.length) terms.push(`value_in(phase,${phases.join(";")})`);
  const search = (filters.search ?? "").replace(GRAMMAR, "").trim();
  if (search) terms.push(`contains(name,${search})`);
  return terms.join("+");
}

// The filters with one status picked or unpicked.
export function toggleStatus(filters: ExecutionFilters, key: StatusKey): ExecutionFilters {
  const picked = new Set(filters.status ?? []);
  if (!picked.delete(key)) picked.add(key);
  const status = KEYS.filter((k) => picked.has(k));
  return { ...filters, status: status.length ? status : undefined };
}
