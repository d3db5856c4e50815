// Gateway calls and shapes of the entity pages: workflows, tasks and launch plans (named
// entities, their versions, one version) and the executions of one of them.
import { get, send, type Execution, type ExecutionId, type Identifier } from "./api";
import type { Literal, LiteralMap } from "./literals";
import type { EntityKind } from "./routes";
import type { LiteralType } from "./types";

export interface Variable {
  type?: LiteralType;
  description?: string;
}

export interface Interface {
  inputs?: { variables?: Record<string, Variable> };
  outputs?: { variables?: Record<string, Variable> };
}

export interface Parameter {
  var?: Variable;
  default?: Literal;
  required?: boolean;
}

export type ParameterMap = { parameters?: Record<string, Parameter> };

export interface Schedule {
  cron_expression?: string;
  cron_schedule?: { schedule?: string; offset?: string };
  rate?: { value?: number; unit?: string };
  kickoff_time_input_arg?: string;
}

// Any of the three: each kind fills its own closure or spec.
export interface Entity {
  id: Identifier & { version: string };
  closure?: {
    created_at?: string;
    compiled_workflow?: { primary?: { template?: { interface?: Interface; outputs?: { var?: string }[] } } };
    compiled_task?: {
      template?: {
        type?: string;
        interface?: Interface;
        container?: { image?: string };
        metadata?: { retries?: { retries?: number }; timeout?: string; discoverable?: boolean };
      };
    };
    state?: string; // launch plans: ACTIVE or INACTIVE
    expected_inputs?: ParameterMap;
    expected_outputs?: { variables?: Record<string, Variable> };
  };
  spec?: {
    workflow_id?: Identifier;
    default_inputs?: ParameterMap;
    fixed_inputs?: LiteralMap;
    entity_metadata?: { schedule?: Schedule };
  };
}

export interface NamedEntity {
  id: { project: string; domain: string; name: string };
  metadata?: { description?: string };
}

const RESOURCE: Record<EntityKind, string> = { workflow: "WORKFLOW", task: "TASK", launch_plan: "LAUNCH_PLAN" };
const COLLECTION: Record<EntityKind, string> = { workflow: "workflows", task: "tasks", launch_plan: "launch_plans" };
const enc = encodeURIComponent;
const at = (p: string, d: string) => `${enc(p)}/${enc(d)}`;

export const entityApi = {
  names: (kind: EntityKind, project: string, domain: string) =>
    get<{ entities?: NamedEntity[] }>(
      `named_entities/${RESOURCE[kind]}/${at(project, domain)}?limit=10000&sort_by.key=name&sort_by.direction=ASCENDING`,
    ),
  versions: (kind: EntityKind, project: string, domain: string, name: string) =>
    get<Record<string, Entity[] | undefined>>(
      `${COLLECTION[kind]}/${at(project, domain)}/${enc(name)}?limit=20&sort_by.key=created_at&sort_by.direction=DESCENDING`,
    ).then((reply) => reply[COLLECTION[kind]] ?? []),
  version: (kind: EntityKind, project: string, domain: string, name: string, version: string) =>
    get<Entity>(`${COLLECTION[kind]}/${at(project, domain)}/${enc(name)}/${enc(version)}`),
  // The newest executions of the entity (by the execution columns flyteadmin filters on).
  executions: (kind: EntityKind, project: string, domain: string, name: string) =>
    get<{ executions?: Execution[] }>(
      `executions/${at(project, domain)}?limit=10&sort_by.key=created_at&sort_by.direction=DESCENDING&filters=` +
        enc(`eq(${kind}.name,${name})`),
    ),
  setLaunchPlanState: (id: Identifier, state: "ACTIVE" | "INACTIVE") =>
    send<object>("PUT", `launch_plans/${at(id.project, id.domain)}/${enc(id.name)}/${enc(id.version ?? "")}`, {
      state,
    }),
  // `reference`: the execution this one relaunches with changes (FlyteConsole's referenceExecution).
  launch: (launchPlan: Identifier, inputs: Record<string, Literal>, reference?: ExecutionId) =>
    send<{ id: ExecutionId }>("POST", "executions", {
      project: launchPlan.project,
      domain: launchPlan.domain,
      spec: {
        launch_plan: { ...launchPlan, resource_type: "LAUNCH_PLAN" },
        metadata: { mode: "MANUAL", principal: "console", ...(reference ? { reference_execution: reference } : {}) },
      },
      inputs: { literals: inputs },
    }),
};
