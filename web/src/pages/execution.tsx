// One execution (FlyteConsole's .../executions/{name}): a header with its phase, workflow,
// start and duration, and the Nodes tab listing each node's phase; a node's row opens its side
// panel (`?node=`, pages/node-panel.tsx). Polls every second while the execution runs and stops
// once it has ended.
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";

import {
  api,
  type Execution,
  type ExecutionData,
  type ExecutionId,
  type NodeExecution,
  type Workflow,
} from "../api";
import { ErrorBanner, PhaseBadge, Time } from "../components";
import { ExecutionActions } from "../execution-actions";
import type { LiteralMap } from "../literals";
import { LiteralTable } from "../literal-view";
import { ExecutionGraph } from "../graph";
import { ExecutionTimeline } from "../timeline/view";
import { useLivePolling } from "../live";
import { Link } from "../navigation";
import { gateAt, waitingGates } from "../gates";
import { nodesAroundGates, type AroundGates } from "../nested-gates";
import { nodeRows } from "../nodes";
import { declaredOutputs, nodeDeclaredOutputs } from "../order";
import { isTerminal, phaseInfo } from "../phase";
import type { TabName } from "../routes";
import { Duration } from "./duration";
import { NodePanel } from "./node-panel";
import { WaitingGates } from "./waiting-gates";
import { NodesTab } from "./nodes-tab";
import { ExecutionTabs } from "./execution-tabs";

function Header(props: { execution: Execution; now: number }) {
  const { id, spec, closure } = props.execution;
  const workflow = closure.workflow_id;
  return (
    <header class="execution-header">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link to={{ page: "projects" }}>Projects</Link> /{" "}
        <Link to={{ page: "executions", project: id.project, domain: id.domain }}>
          {id.project} / {id.domain}
        </Link>
      </nav>
      <h1>
        <span class="muted">Execution</span> {id.name}
      </h1>
      <dl class="facts">
        <div>
          <dt>Phase</dt>
          <dd id="execution-phase">
            <PhaseBadge phase={closure.phase} />
          </dd>
        </div>
        <div>
          <dt>Workflow</dt>
          <dd>
            {workflow ? workflow.name : "—"}
            {workflow?.version && <span class="muted"> {workflow.version}</span>}
          </dd>
        </div>
        {spec.launch_plan && spec.launch_plan.name !== workflow?.name && (
          <div>
            <dt>Launch plan</dt>
            <dd>{spec.launch_plan.name}</dd>
          </div>
        )}
        <div>
          <dt>Started</dt>
          <dd>
            <Time iso={closure.started_at} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd id="execution-duration">
            <Duration progress={closure} now={props.now} />
          </dd>
        </div>
      </dl>
      {closure.error?.message && (
        <ErrorBanner>
          {closure.error.code ? `${closure.error.code}: ` : ""}
          {closure.error.message}
        </ErrorBanner>
      )}
      {closure.abort_metadata?.cause && <p class="banner">Aborted: {closure.abort_metadata.cause}</p>}
    </header>
  );
}

// A name → value table (inputs, outputs; a launch plan's fixed inputs), in `order` where given.
export function Values(props: { title: string; values: LiteralMap | undefined; empty: string; order?: string[] }) {
  return (
    <div class="values">
      <h3>{props.title}</h3>
      <LiteralTable values={props.values} empty={props.empty} order={props.order} />
    </div>
  );
}

export function ExecutionPage(props: ExecutionId & { tab?: TabName; node?: string; attempt?: number }) {
  const id: ExecutionId = { project: props.project, domain: props.domain, name: props.name };
  const execution = useSignal<Execution | null>(null);
  const nodes = useSignal<NodeExecution[] | null>(null);
  const aroundGates = useSignal<AroundGates>({ nodes: [], generated: new Map() }); // inside running nodes that hold gates
  const workflow = useSignal<Workflow | null>(null);
  const data = useSignal<ExecutionData | null>(null);
  const dataFinal = useRef(false); // fetched once the execution had ended: outputs are in
  const error = useSignal<string | null>(null);
  const now = useSignal(Date.now());
  const live = useSignal(true);
  const paused = useSignal(false);
  const looks = useSignal(0); // bumped by an action: look again even if polling had stopped
  useLivePolling(
    async (current) => {
      const [e, n] = await Promise.all([api.execution(id), api.nodeExecutions(id)]);
      if (!current()) return false;
      execution.value = e;
      nodes.value = n.node_executions ?? [];
      now.value = Date.now();
      error.value = null;
      const workflowId = e.closure.workflow_id;
      if (workflow.value === null && workflowId) {
        workflow.value = {}; // asked for once; names are a nicety, the page works without
        api.workflow(workflowId).then(
          (w) => current() && (workflow.value = w),
          () => undefined,
        );
      }
      live.value = !isTerminal(e.closure.phase);
      if (data.value === null || (!live.value && !dataFinal.current)) {
        dataFinal.current = !live.value;
        api.executionData(id).then(
          (d) => current() && (data.value = d),
          () => undefined,
        );
      }
      const nested = await nodesAroundGates(id, nodes.value, workflow.value, aroundGates.value.generated);
      if (!current()) return false;
      aroundGates.value = nested;
      return live.value;
    },
    null,
    (e) => (error.value = `Could not load the execution: ${(e as Error).message}`),
    `${id.project}/${id.domain}/${id.name}#${looks.value}`,
    paused.value,
  );
  const e = execution.value;
  const compiled = workflow.value?.closure?.compiled_workflow;
  // What the tabs show (each takes what it needs).
  const view = {
    id,
    nodes: nodes.value,
    workflow: workflow.value,
    live: live.value,
    paused: paused.value,
    now: now.value,
    selected: props.node,
  };
  return (
    <main id="main">
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
      {e === null && !error.value && <p class="muted">Loading…</p>}
      {e && <Header execution={e} now={now.value} />}
      {e && <ExecutionActions execution={e} onChanged={() => looks.value++} />}
      {e && <WaitingGates id={id} tab={props.tab} gates={waitingGates([...(nodes.value ?? []), ...aroundGates.value.nodes], workflow.value, aroundGates.value.generated)} />}
      {e && (
        <p class="muted live">
          <span aria-live="polite">
            {!live.value
              ? `${phaseInfo(e.closure.phase).label}: not updating any more.`
              : paused.value
                ? "Paused: not updating."
                : "Live: updating every second."}
          </span>
          {live.value && (
            <button type="button" aria-pressed={paused.value} onClick={() => (paused.value = !paused.value)}>
              {paused.value ? "Resume live updates" : "Pause live updates"}
            </button>
          )}
        </p>
      )}
      {e && (
        <ExecutionTabs
          selected={props.tab ?? "nodes"}
          nodes={() => <NodesTab {...view} />}
          graph={() => <ExecutionGraph {...view} />}
          timeline={() => <ExecutionTimeline {...view} />}
        />
      )}
      {e && data.value && (
        <section aria-labelledby="io-heading" class="io">
          <h2 id="io-heading">Inputs and outputs</h2>
          <Values title="Inputs" values={data.value.full_inputs} empty="No inputs." />
          <Values
            title="Outputs"
            values={data.value.full_outputs}
            empty={live.value ? "Not yet: the execution is running." : "No outputs."}
            order={declaredOutputs(compiled?.primary)}
          />
        </section>
      )}
      {e && props.node && (
        <NodePanel
          key={props.node}
          id={id}
          nodeId={props.node}
          attempt={props.attempt}
          tab={props.tab}
          node={nodes.value?.find((n) => n.id.node_id === props.node)}
          outputOrder={nodeDeclaredOutputs(compiled, props.node)}
          gate={gateAt(workflow.value, props.node, aroundGates.value.generated)}
          runs={nodeRows(nodes.value ?? [], workflow.value).find((r) => r.nodeId === props.node)?.runs ?? ""}
          now={now.value}
          paused={paused.value}
        />
      )}
    </main>
  );
}
