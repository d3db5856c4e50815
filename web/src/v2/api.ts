// Flyte 2's Connect services on the sandbox's own port, called with Connect's JSON codec
// (`POST /flyteidl2.<pkg>.<Service>/<Method>`, protobuf's JSON mapping: camelCase fields, enums
// by name, int64 as strings): the runs, actions and data the console shows. Only what it reads is
// typed. Same origin and the session's token, as the /api/v1 gateway calls (../api.ts).
import { replyOf } from "../api";
import { authHeaders } from "../auth";
import type { LiteralJson } from "./literals";

export interface RunId {
  project: string;
  domain: string;
  name: string;
}

export interface ActionId {
  run: RunId;
  name: string;
}

export interface ActionStatus {
  phase?: string; // ACTION_PHASE_…
  startTime?: string;
  endTime?: string;
  attempts?: number;
  cacheStatus?: string;
  durationMs?: string;
}

export interface ActionMetadata {
  parent?: string;
  group?: string;
  actionType?: string;
  task?: { id?: { name?: string; version?: string }; taskType?: string; shortName?: string };
  functionName?: string;
}

export interface Action {
  id: ActionId;
  metadata?: ActionMetadata;
  status?: ActionStatus;
}

export interface ErrorInfo {
  message?: string;
  kind?: string;
}

export interface Attempt {
  phase?: string;
  startTime?: string;
  endTime?: string;
  errorInfo?: ErrorInfo;
  attempt?: number; // 1-based
  logInfo?: { uri?: string; name?: string }[];
  logsAvailable?: boolean;
}

export interface ActionDetails extends Action {
  errorInfo?: ErrorInfo;
  abortInfo?: { reason?: string };
  attempts?: Attempt[];
}

interface NamedLiterals {
  literals?: { name: string; value?: LiteralJson }[];
}

export interface ActionData {
  inputs?: NamedLiterals;
  outputs?: NamedLiterals;
}

// One unary call. Errors come as `{code, message}` JSON with a non-200 status (Connect's).
async function connectCall<T>(method: string, body: unknown): Promise<T> {
  const response = await fetch(`/flyteidl2.${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Connect-Protocol-Version": "1", ...authHeaders() },
    body: JSON.stringify(body),
  });
  return replyOf<T>(response);
}

const PAGE_SIZE = 50;
const MAX_ACTIONS = 2000; // a bigger run shows its first 2,000 actions

export const v2 = {
  // A project domain's runs, newest first; `phases` (ACTION_PHASE_… names) narrow it.
  runs: (project: string, domain: string, phases: string[], token: string) =>
    connectCall<{ runs?: { action: Action }[]; token?: string }>("workflow.RunService/ListRuns", {
      request: {
        limit: PAGE_SIZE,
        token,
        filters: phases.length ? [{ function: "VALUE_IN", field: "phase", values: phases }] : [],
      },
      projectId: { name: project, domain },
    }),
  run: (id: RunId) =>
    connectCall<{ details: { action: ActionDetails } }>("workflow.RunService/GetRunDetails", { runId: id }),
  // Every action of the run, page by page, in the order they were created.
  async actions(id: RunId): Promise<Action[]> {
    const all: Action[] = [];
    let token = "";
    do {
      const page = await connectCall<{ actions?: Action[]; token?: string }>("workflow.RunService/ListActions", {
        runId: id,
        request: { limit: 100, token },
      });
      all.push(...(page.actions ?? []));
      token = page.token ?? "";
    } while (token && all.length < MAX_ACTIONS);
    return all;
  },
  action: (id: ActionId) =>
    connectCall<{ details: ActionDetails }>("workflow.RunService/GetActionDetails", { actionId: id }),
  data: (id: ActionId) => connectCall<ActionData>("dataproxy.DataProxyService/GetActionData", { actionId: id }),
  abort: (id: RunId, reason: string) => connectCall<object>("workflow.RunService/AbortRun", { runId: id, reason }),
};
