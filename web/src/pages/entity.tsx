// One workflow, task or launch plan (FlyteConsole's .../workflows/{name} and
// .../workflow/{name}/version/{v}, likewise for tasks and launch plans): its interface (inputs
// with types, defaults and whether required; outputs), its versions, its recent executions; for
// a launch plan also its workflow, schedule, fixed inputs and the active toggle; Launch opens
// the launch form (launch plans, and workflows through their default launch plan).
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

import "../entities.css";

import type { Execution, Identifier } from "../api";
import { ErrorBanner, Time } from "../components";
import { entityApi, type Entity, type Interface, type ParameterMap, type Schedule } from "../entity-api";
import { ExecutionTable } from "../execution-table";
import { literalText } from "../literals";
import { Link } from "../navigation";
import { declaredOutputs, orderedEntries } from "../order";
import { KIND_LABEL, ProjectNav } from "../project-nav";
import type { EntityKind } from "../routes";
import { typeText } from "../types";
import { Values } from "./execution";
import { LaunchButton } from "./launch";

type Props = { kind: EntityKind; project: string; domain: string; name: string; version?: string };

function interfaceOf(entity: Entity): Interface | undefined {
  const c = entity.closure;
  return c?.compiled_workflow?.primary?.template?.interface ?? c?.compiled_task?.template?.interface;
}

// Inputs as parameters: a launch plan's own (with defaults), else the interface's (all required).
function inputsOf(entity: Entity): ParameterMap {
  if (entity.closure?.expected_inputs) return entity.closure.expected_inputs;
  const parameters: NonNullable<ParameterMap["parameters"]> = {};
  for (const [name, v] of Object.entries(interfaceOf(entity)?.inputs?.variables ?? {})) {
    parameters[name] = { var: v, required: true };
  }
  return { parameters };
}

export function scheduleText(schedule: Schedule | undefined): string | null {
  if (!schedule) return null;
  const cron = schedule.cron_schedule?.schedule || schedule.cron_expression;
  if (cron) return `cron ${cron}${schedule.cron_schedule?.offset ? `, offset ${schedule.cron_schedule.offset}` : ""}`;
  if (schedule.rate?.value) return `every ${schedule.rate.value} ${(schedule.rate.unit ?? "").toLowerCase()}(s)`;
  return null;
}

function InterfaceTables(props: { entity: Entity }) {
  const inputs = orderedEntries(inputsOf(props.entity).parameters);
  const outputs = orderedEntries(
    props.entity.closure?.expected_outputs?.variables ?? interfaceOf(props.entity)?.outputs?.variables,
    declaredOutputs(props.entity.closure?.compiled_workflow?.primary),
  );
  return (
    <div class="entity-sections">
      <section aria-labelledby="inputs-heading">
        <h2 id="inputs-heading">Inputs</h2>
        {inputs.length === 0 ? (
          <p class="muted">No inputs.</p>
        ) : (
          <table class="grid" id="inputs">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Default</th>
              </tr>
            </thead>
            <tbody>
              {inputs.map(([name, p]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td class="type">{typeText(p.var?.type)}</td>
                  <td>{p.default ? <code>{literalText(p.default)}</code> : p.required ? "required" : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="outputs-heading">
        <h2 id="outputs-heading">Outputs</h2>
        {outputs.length === 0 ? (
          <p class="muted">No outputs.</p>
        ) : (
          <table class="grid" id="outputs">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
              </tr>
            </thead>
            <tbody>
              {outputs.map(([name, v]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td class="type">{typeText(v.type)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

// A launch plan's state with the toggle: activating one version deactivates the name's others.
function ActiveToggle(props: { plan: Entity; onChanged: (state: string) => void }) {
  const active = props.plan.closure?.state === "ACTIVE";
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const toggle = async () => {
    busy.value = true;
    error.value = null;
    const state = active ? "INACTIVE" : "ACTIVE";
    try {
      await entityApi.setLaunchPlanState(props.plan.id, state);
      props.onChanged(state);
    } catch (e) {
      error.value = `Could not ${active ? "deactivate" : "activate"}: ${(e as Error).message}`;
    } finally {
      busy.value = false;
    }
  };
  return (
    <>
      <span id="launch-plan-state">{active ? "Active" : "Inactive"}</span>{" "}
      <button type="button" disabled={busy.value} onClick={toggle}>
        {active ? "Deactivate" : "Activate"}
      </button>
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
    </>
  );
}

function Facts(props: { kind: EntityKind; entity: Entity; onStateChanged: (state: string) => void }) {
  const { entity } = props;
  const task = entity.closure?.compiled_task?.template;
  const workflow = entity.spec?.workflow_id;
  const schedule = scheduleText(entity.spec?.entity_metadata?.schedule);
  return (
    <dl class="facts">
      <div>
        <dt>Version</dt>
        <dd id="entity-version">{entity.id.version}</dd>
      </div>
      <div>
        <dt>Registered</dt>
        <dd>
          <Time iso={entity.closure?.created_at} />
        </dd>
      </div>
      {workflow && (
        <div>
          <dt>Workflow</dt>
          <dd>
            <Link to={{ page: "entity", kind: "workflow", ...workflow, version: workflow.version }}>{workflow.name}</Link>
          </dd>
        </div>
      )}
      {props.kind === "launch_plan" && (
        <div>
          <dt>Schedule</dt>
          <dd id="launch-plan-schedule">{schedule ?? "none"}</dd>
        </div>
      )}
      {props.kind === "launch_plan" && (
        <div>
          <dt>State</dt>
          <dd>
            <ActiveToggle plan={entity} onChanged={props.onStateChanged} />
          </dd>
        </div>
      )}
      {task?.type && (
        <div>
          <dt>Task type</dt>
          <dd>{task.type}</dd>
        </div>
      )}
      {task?.container?.image && (
        <div>
          <dt>Image</dt>
          <dd>
            <code>{task.container.image}</code>
          </dd>
        </div>
      )}
      {task?.metadata && (
        <div>
          <dt>Retries, timeout, cache</dt>
          <dd>
            {[
              task.metadata.retries?.retries ?? 0,
              task.metadata.timeout && task.metadata.timeout !== "0s" ? task.metadata.timeout : "none",
              task.metadata.discoverable ? "cached" : "not cached",
            ].join(", ")}
          </dd>
        </div>
      )}
    </dl>
  );
}

function Versions(props: Props & { versions: Entity[]; shown: string }) {
  return (
    <table class="grid" id="versions">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Registered</th>
        </tr>
      </thead>
      <tbody>
        {props.versions.map((v) => (
          <tr key={v.id.version} aria-current={v.id.version === props.shown ? "true" : undefined}>
            <td>
              <Link to={{ ...props, page: "entity", version: v.id.version }}>{v.id.version}</Link>
              {v.id.version === props.shown && <span class="muted"> (shown)</span>}
            </td>
            <td>
              <Time iso={v.closure?.created_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// The launch plan Launch uses: the plan itself, or a workflow version's default plan (same name).
function useLaunchPlan(kind: EntityKind, entity: Entity | null) {
  const plan = useSignal<Entity | null>(null);
  useEffect(() => {
    plan.value = kind === "launch_plan" ? entity : null;
    if (kind !== "workflow" || !entity) return;
    const id: Identifier = entity.id;
    // A workflow registered without its default launch plan has no Launch button.
    entityApi.version("launch_plan", id.project, id.domain, id.name, entity.id.version).then(
      (p) => (plan.value = p),
      () => undefined,
    );
  }, [entity]);
  return plan.value;
}

export function EntityPage(props: Props) {
  const { kind, project, domain, name } = props;
  const versions = useSignal<Entity[] | null>(null);
  const entity = useSignal<Entity | null>(null);
  const executions = useSignal<Execution[] | null>(null);
  const error = useSignal<string | null>(null);
  const fail = (what: string) => (e: Error) => (error.value = `Could not load ${what}: ${e.message}`);
  useEffect(() => {
    entityApi.versions(kind, project, domain, name).then((list) => {
      versions.value = list;
      const version = props.version ?? list[0]?.id.version;
      if (version === undefined) error.value = `No ${KIND_LABEL[kind].one.toLowerCase()} named ${name} in ${project}/${domain}.`;
      else entityApi.version(kind, project, domain, name, version).then((v) => (entity.value = v), fail("this version"));
    }, fail("the versions"));
    entityApi.executions(kind, project, domain, name).then((r) => (executions.value = r.executions ?? []), fail("executions"));
  }, []);
  const e = entity.value;
  const plan = useLaunchPlan(kind, e);
  const onStateChanged = (state: string) => {
    if (e) entity.value = { ...e, closure: { ...e.closure, state } };
  };
  const dot = name.lastIndexOf(".");
  return (
    <main id="main">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link to={{ page: "projects" }}>Projects</Link> / {project} / {domain} /{" "}
        <Link to={{ page: "entities", kind, project, domain }}>{KIND_LABEL[kind].many}</Link>
      </nav>
      <ProjectNav project={project} domain={domain} current={kind} />
      <h1>
        <span class="muted">{KIND_LABEL[kind].one}</span> {dot < 0 ? name : name.slice(dot + 1)}
      </h1>
      <p class="muted">
        <code>{name}</code>
      </p>
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
      {!e && !error.value && <p class="muted">Loading…</p>}
      {e && <Facts kind={kind} entity={e} onStateChanged={onStateChanged} />}
      {plan && <LaunchButton plan={plan} />}
      {e && <InterfaceTables entity={e} />}
      {e && kind === "launch_plan" && (
        <Values title="Fixed inputs" values={e.spec?.fixed_inputs} empty="None: every input can be set." />
      )}
      <section aria-labelledby="executions-heading">
        <h2 id="executions-heading">Recent executions</h2>
        {executions.value === null && <p class="muted">Loading…</p>}
        {executions.value?.length === 0 && <p class="muted">None yet.</p>}
        {executions.value && executions.value.length > 0 && (
          <ExecutionTable executions={executions.value} now={Date.now()} id="entity-executions" />
        )}
      </section>
      {versions.value && e && (
        <section aria-labelledby="versions-heading">
          <h2 id="versions-heading">Versions</h2>
          <Versions {...props} versions={versions.value} shown={e.id.version} />
        </section>
      )}
    </main>
  );
}
