// The plain /api/v1 JSON gateway (proto field names, defaults emitted, enums by name): the
// calls the pages make and the shapes they read. Only what the console uses is typed.
import { authHeaders, loginNeeded } from "./auth";
import type { Literal, LiteralMap } from "./literals";
import type { LiteralType } from "./types";

export interface Identifier {
  resource_type?: string;
  project: string;
  domain: string;
  name: string;
  version?: string;
}

export interface ExecutionId {
  project: string;
  domain: string;
  name: string;
}

export interface ExecutionError {
  code?: string;
  message?: string;
  kind?: string;
}

// Where an execution or a node execution stands: what both closures share.
export interface Progress {
  phase: string;
  started_at?: string;
  created_at?: string;
  updated_at?: string;
  duration?: string;
  error?: ExecutionError;
}

export interface Execution {
  id: ExecutionId;
  spec: {
    launch_plan?: Identifier;
    metadata?: { mode?: string; principal?: string; parent_node_execution?: unknown };
  };
  closure: Progress & {
    workflow_id?: Identifier;
    abort_metadata?: { cause?: string };
    state_change_details?: { state?: string };
  };
}

export interface NodeExecution {
  id: { node_id: string; execution_id: ExecutionId };
  closure: Progress & {
    task_node_metadata?: { cache_status?: string };
    deck_uri?: string; // where flytekit wrote the node's deck, if it did
    // A launch plan node's child execution (the gateway has printed both spellings).
    workflow_node_metadata?: { execution_id?: ExecutionId; executionId?: ExecutionId };
  };
  metadata?: {
    retry_group?: string;
    is_parent_node?: boolean;
    spec_node_id?: string;
    is_dynamic?: boolean;
    is_array?: boolean;
  };
}

export interface TaskLog {
  uri?: string;
  name?: string;
}

export interface TaskExecutionId {
  task_id: Identifier;
  node_execution_id: { node_id: string; execution_id: ExecutionId };
  retry_attempt?: number;
}

// One attempt of a task node.
// A map task's item, in its task execution's metadata.
export interface ExternalResource {
  external_id?: string;
  index?: number;
  retry_attempt?: number;
  phase?: string;
  cache_status?: string;
  logs?: TaskLog[];
}

export interface TaskExecution {
  id: TaskExecutionId;
  closure: Progress & { logs?: TaskLog[]; reason?: string; metadata?: { external_resources?: ExternalResource[] } };
}

export interface Resources {
  requests?: { name?: string; value?: string }[];
  limits?: { name?: string; value?: string }[];
}

export interface TaskTemplate {
  type?: string;
  container?: { image?: string; command?: string[]; args?: string[]; resources?: Resources };
  metadata?: { retries?: { retries?: number }; timeout?: string; discoverable?: boolean; cache_version?: string };
}

export interface Task {
  closure?: { compiled_task?: { template?: TaskTemplate } };
}

export interface Project {
  id: string;
  name: string;
  description?: string;
  domains: { id: string; name: string }[];
}

export interface CompiledNode {
  id: string;
  metadata?: { name?: string };
  upstream_node_ids?: string[];
  task_node?: { reference_id?: Identifier };
  workflow_node?: { sub_workflow_ref?: Identifier; launchplan_ref?: Identifier };
  branch_node?: { if_else?: IfElseBlock };
  array_node?: { node?: CompiledNode };
  gate_node?: {
    approve?: { signal_id?: string };
    signal?: { signal_id?: string; type?: LiteralType; output_variable_name?: string };
    sleep?: { duration?: string };
  };
}

export interface IfElseBlock {
  case?: { then_node?: CompiledNode };
  other?: { then_node?: CompiledNode }[];
  else_node?: CompiledNode;
  error?: { message?: string };
}

export interface CompiledWorkflow {
  template?: { id?: Identifier; nodes?: CompiledNode[]; outputs?: { var?: string }[] };
  connections?: { upstream?: Record<string, { ids?: string[] }> };
}

export interface CompiledClosure {
  primary?: CompiledWorkflow;
  sub_workflows?: CompiledWorkflow[];
}

export interface Workflow {
  id?: Identifier;
  closure?: { compiled_workflow?: CompiledClosure };
}

export interface ExecutionData {
  full_inputs?: LiteralMap;
  full_outputs?: LiteralMap;
  // A dynamic node's data: the workflow it generated (its children's compiled nodes).
  dynamic_workflow?: { compiled_workflow?: CompiledClosure };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const enc = encodeURIComponent;

// One gateway call: JSON in and out, the session's bearer token when there is one (auth.ts).
// A 401 asks for the login page; the call still fails, and the page retries once logged in.
async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...authHeaders() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`/api/v1/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return replyOf<T>(response);
}

// A JSON reply, or its error as an ApiError with the server's message (the gateway's and
// Connect's errors both carry `message`). A 401 asks for the login page.
export async function replyOf<T>(response: Response): Promise<T> {
  if (!response.ok) {
    if (response.status === 401) loginNeeded();
    let message = `${response.status} ${response.statusText}`;
    try {
      message = ((await response.json()) as { message?: string }).message || message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, message);
  }
  return (await response.json()) as T;
}

export const get = <T>(path: string) => call<T>("GET", path);
export const send = <T>(method: "POST" | "PUT" | "DELETE", path: string, body: unknown) => call<T>(method, path, body);

export const execPath = (id: ExecutionId) => `${enc(id.project)}/${enc(id.domain)}/${enc(id.name)}`;

const nodePath = (id: ExecutionId, nodeId: string) => `${execPath(id)}/${enc(nodeId)}`;
const idPath = (id: Identifier) => `${enc(id.project)}/${enc(id.domain)}/${enc(id.name)}/${enc(id.version ?? "")}`;
const attemptPath = (t: TaskExecutionId) =>
  `${nodePath(t.node_execution_id.execution_id, t.node_execution_id.node_id)}/${idPath(t.task_id)}/${t.retry_attempt ?? 0}`;

export const api = {
  projects: () => get<{ projects?: Project[] }>("projects"),
  // The newest 100, narrowed by a `filters` expression (execution-filters.ts) when one is given.
  executions: (project: string, domain: string, filters = "") =>
    get<{ executions?: Execution[]; token?: string }>(
      `executions/${enc(project)}/${enc(domain)}?limit=100&sort_by.key=created_at&sort_by.direction=DESCENDING` +
        (filters ? `&filters=${enc(filters)}` : ""),
    ),
  execution: (id: ExecutionId) => get<Execution>(`executions/${execPath(id)}`),
  // The top-level node executions, or a parent node's children.
  nodeExecutions: (id: ExecutionId, parent?: string) =>
    get<{ node_executions?: NodeExecution[] }>(
      `node_executions/${execPath(id)}?limit=10000&sort_by.key=created_at&sort_by.direction=ASCENDING` +
        (parent ? `&uniqueParentId=${enc(parent)}` : ""),
    ),
  nodeExecution: (id: ExecutionId, nodeId: string) => get<NodeExecution>(`node_executions/${nodePath(id, nodeId)}`),
  executionData: (id: ExecutionId) => get<ExecutionData>(`data/executions/${execPath(id)}`),
  workflow: (id: Identifier) => get<Workflow>(`workflows/${idPath(id)}`),
  task: (id: Identifier) => get<Task>(`tasks/${idPath(id)}`),
  nodeData: (id: ExecutionId, nodeId: string) => get<ExecutionData>(`data/node_executions/${nodePath(id, nodeId)}`),
  taskExecutions: (id: ExecutionId, nodeId: string) =>
    get<{ task_executions?: TaskExecution[] }>(`task_executions/${nodePath(id, nodeId)}?limit=100`),
  taskData: (id: TaskExecutionId) => get<ExecutionData>(`data/task_executions/${attemptPath(id)}`),
  // CreateDownloadLink of a node's deck (FlyteConsole's call): a signed /data/ URL.
  deckLink: (id: ExecutionId, nodeId: string) =>
    send<{ pre_signed_urls?: { signed_url?: string[] } }>("POST", "dataproxy/artifact_link", {
      artifact_type: "ARTIFACT_TYPE_DECK",
      node_execution_id: { node_id: nodeId, execution_id: id },
    }),
  // SetSignal: a gate's approval or value (FlyteConsole's Resume form sends the same).
  setSignal: (id: ExecutionId, signalId: string, value: Literal) =>
    send<object>("POST", "signals", { id: { signal_id: signalId, execution_id: id }, value }),
};
