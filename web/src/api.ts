// The plain /api/v1 JSON gateway (proto field names, defaults emitted, enums by name): the
// calls the pages make and the shapes they read. Only what the console uses is typed.
import type { LiteralMap } from "./literals";

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
  closure: Progress & { workflow_id?: Identifier; abort_metadata?: { cause?: string } };
}

export interface NodeExecution {
  id: { node_id: string; execution_id: ExecutionId };
  closure: Progress & { task_node_metadata?: { cache_status?: string } };
  metadata?: {
    retry_group?: string;
    is_parent_node?: boolean;
    is_dynamic?: boolean;
    is_array?: boolean;
    spec_node_id?: string;
  };
}

export interface TaskExecution {
  id: { retry_attempt?: number };
  closure: Progress & { metadata?: { external_resources?: { index?: number; phase?: string }[] } };
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
  gate_node?: { approve?: unknown; signal?: unknown; sleep?: unknown };
}

export interface IfElseBlock {
  case?: { then_node?: CompiledNode };
  other?: { then_node?: CompiledNode }[];
  else_node?: CompiledNode;
  error?: { message?: string };
}

export interface CompiledWorkflow {
  template?: { id?: Identifier; nodes?: CompiledNode[] };
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

export interface NodeExecutionData {
  dynamic_workflow?: { compiled_workflow?: CompiledClosure };
}

export interface ExecutionData {
  full_inputs?: LiteralMap;
  full_outputs?: LiteralMap;
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

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`/api/v1/${path}`, { headers: { Accept: "application/json" } });
  if (!response.ok) {
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

const execPath = (id: ExecutionId) => `${enc(id.project)}/${enc(id.domain)}/${enc(id.name)}`;

export const api = {
  projects: () => get<{ projects?: Project[] }>("projects"),
  executions: (project: string, domain: string) =>
    get<{ executions?: Execution[]; token?: string }>(
      `executions/${enc(project)}/${enc(domain)}?limit=100&sort_by.key=created_at&sort_by.direction=DESCENDING`,
    ),
  execution: (id: ExecutionId) => get<Execution>(`executions/${execPath(id)}`),
  nodeExecutions: (id: ExecutionId) =>
    get<{ node_executions?: NodeExecution[] }>(
      `node_executions/${execPath(id)}?limit=10000&sort_by.key=created_at&sort_by.direction=ASCENDING`,
    ),
  childNodeExecutions: (id: ExecutionId, parentNodeId: string) =>
    get<{ node_executions?: NodeExecution[] }>(
      `node_executions/${execPath(id)}?limit=10000&unique_parent_id=${enc(parentNodeId)}` +
        "&sort_by.key=created_at&sort_by.direction=ASCENDING",
    ),
  taskExecutions: (id: ExecutionId, nodeId: string) =>
    get<{ task_executions?: TaskExecution[] }>(`task_executions/${execPath(id)}/${enc(nodeId)}?limit=100`),
  nodeExecutionData: (id: ExecutionId, nodeId: string) =>
    get<NodeExecutionData>(`data/node_executions/${execPath(id)}/${enc(nodeId)}`),
  executionData: (id: ExecutionId) => get<ExecutionData>(`data/executions/${execPath(id)}`),
  workflow: (id: Identifier) =>
    get<Workflow>(`workflows/${enc(id.project)}/${enc(id.domain)}/${enc(id.name)}/${enc(id.version ?? "")}`),
};
