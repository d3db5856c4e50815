// The node side panel of the execution page (`?node=..&attempt=..`): the node's attempts (task
// executions) with phase, times and error, the chosen attempt's logs followed live, inputs and
// outputs of the node and of the attempt, its deck, and the task template. Polls while the node runs;
// Esc or the close button closes it (back to the execution's URL without the node).
import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

import {
  api,
  type ExecutionData,
  type ExecutionError,
  type ExecutionId,
  type NodeExecution,
  type Progress,
  type Task,
  type TaskExecution,
} from "../api";
import { ErrorBanner, PhaseBadge } from "../components";
import { errorSummary } from "../format";
import { isWaiting, shownPhase, type Gate } from "../gates";
import { LiteralTable } from "../literal-view";
import { useLivePolling } from "../live";
import { TaskLogs } from "../log-viewer";
import { Link, navigate } from "../navigation";
import { isTerminal } from "../phase";
import { routeHref, type Route, type TabName } from "../routes";
import { GateControls } from "./gate-controls";
import { NodeDeck } from "./node-deck";
import { TaskTemplateFacts } from "./task-template";
import { useEscapeCloses } from "./use-escape-closes";
import { StartAndDuration } from "./duration";

interface Props {
  id: ExecutionId;
  nodeId: string;
  attempt: number | undefined;
  tab: TabName | undefined; // the tab it was opened from: closing returns to it
  node: NodeExecution | undefined; // from the page's own poll of the top level
  runs: string;
  outputOrder: string[]; // the node's outputs as declared, where known (order.ts)
  gate: Gate | null; // what the node waits for, when it is a gate
  now: number;
  paused: boolean;
}

// A task error: its last line (where Python puts the exception) in view, the whole trace
// folded under it.
export function AttemptError(props: { error: ExecutionError }) {
  const { code, message = "" } = props.error;
  return (
    <details class="attempt-error">
      <summary class="node-error">
        {code ? `${code}: ` : ""}
        {errorSummary(message)}
      </summary>
      <pre class="trace">{message}</pre>
    </details>
  );
}

// One row per attempt (a Flyte 1 task execution or a Flyte 2 action attempt): its number, phase,
// start, duration, and its error under it. Shared with the Flyte 2 action panel.
export interface AttemptRow {
  n: number; // data-attempt
  label: ComponentChildren;
  progress: Progress;
  error?: ExecutionError;
  current?: boolean;
}

export function AttemptsTable(props: { rows: AttemptRow[]; now: number }) {
  return (
    <table class="grid" id="attempts">
      <thead>
        <tr>
          <th scope="col">Attempt</th>
          <th scope="col">Phase</th>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      {props.rows.map((a) => (
        <tbody key={a.n} data-attempt={a.n} aria-current={a.current ? "true" : undefined}>
          <tr>
            <th scope="row">{a.label}</th>
            <td>
              <PhaseBadge phase={a.progress.phase} />
            </td>
            <StartAndDuration progress={a.progress} now={props.now} />
          </tr>
          {a.error?.message && (
            <tr>
              <td colSpan={4}>
                <AttemptError error={a.error} />
              </td>
            </tr>
          )}
        </tbody>
      ))}
    </table>
  );
}

function Attempts(props: { attempts: TaskExecution[]; chosen: number; route: Route; now: number }) {
  const rows = props.attempts.map((a): AttemptRow => {
    const n = a.id.retry_attempt ?? 0;
    return {
      n,
      label: (
        <Link to={{ ...props.route, attempt: n } as Route} scroll={false}>
          #{n + 1}
        </Link>
      ),
      progress: a.closure,
      error: a.closure.error,
      current: n === props.chosen,
    };
  });
  return <AttemptsTable rows={rows} now={props.now} />;
}

export function NodePanel(props: Props) {
  const { id, nodeId } = props;
  const attempts = useSignal<TaskExecution[] | null>(null);
  const nodeData = useSignal<ExecutionData | null>(null);
  const attemptData = useSignal<Map<number, ExecutionData>>(new Map());
  const task = useSignal<Task | null>(null);
  const error = useSignal<string | null>(null);
  // A nested node (a sub-workflow's or dynamic node's child) is not in the page's list: read it.
  const fetched = useSignal<NodeExecution | null>(null);
  const given = useRef(props.node);
  given.current = props.node;
  const node = props.node ?? fetched.value ?? undefined;
  const nodeEnded = isTerminal(node?.closure.phase);
  const ended = useRef(nodeEnded);
  ended.current = nodeEnded;
  const heading = useRef<HTMLHeadingElement>(null);
  const closed: Route = { page: "execution", project: id.project, domain: id.domain, name: id.name, tab: props.tab };
  const route: Route = { ...closed, node: nodeId };
  const closeHref = routeHref(closed);

  useEffect(() => heading.current?.focus(), [nodeId]);
  useEscapeCloses(closeHref);

  useLivePolling(
    async (current) => {
      const finalRead = ended.current; // read before asking: what comes back is at least this fresh
      const [list, data, own] = await Promise.all([
        api.taskExecutions(id, nodeId),
        api.nodeData(id, nodeId),
        given.current ? null : api.nodeExecution(id, nodeId),
      ]);
      if (!current()) return false;
      if (own) fetched.value = own;
      const sorted = (list.task_executions ?? []).sort((a, b) => (a.id.retry_attempt ?? 0) - (b.id.retry_attempt ?? 0));
      attempts.value = sorted;
      nodeData.value = data;
      error.value = null;
      if (task.value === null && sorted[0]) {
        task.value = {}; // asked for once
        api.task(sorted[0].id.task_id).then(
          (t) => current() && (task.value = t),
          () => undefined,
        );
      }
      // An attempt's inputs and outputs no longer change once it ended: read each once then.
      for (const a of sorted) {
        const n = a.id.retry_attempt ?? 0;
        if (!isTerminal(a.closure.phase) || attemptData.value.has(n)) continue;
        const d = await api.taskData(a.id);
        if (!current()) return false;
        attemptData.value = new Map(attemptData.value).set(n, d);
      }
      return !finalRead;
    },
    null,
    (e) => (error.value = `Could not load the node: ${(e as Error).message}`),
    `${id.name}/${nodeId}|${nodeEnded}`,
    props.paused,
  );

  const list = attempts.value;
  const chosen = props.attempt ?? (list && list.length ? (list[list.length - 1].id.retry_attempt ?? 0) : 0);
  const attempt = list?.find((a) => (a.id.retry_attempt ?? 0) === chosen);
  const template = task.value?.closure?.compiled_task?.template;
  return (
    <aside class="panel" id="node-panel" aria-labelledby="node-panel-heading">
      <div class="panel-head">
        <h2 id="node-panel-heading" tabIndex={-1} ref={heading}>
          <span class="muted">Node</span> {nodeId} {props.runs && <span class="muted">{props.runs}</span>}
        </h2>
        <Link to={closed} scroll={false} class="close">
          <span aria-hidden="true">×</span> Close
        </Link>
      </div>
      {node && (
        <p>
          <PhaseBadge phase={shownPhase(node.closure.phase, !!props.gate)} />
          {node.closure.error?.message && <span class="node-error"> {errorSummary(node.closure.error.message)}</span>}
        </p>
      )}
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
      {props.gate && node && (
        <GateControls id={id} gate={props.gate} waiting={isWaiting(node)} startedAt={node.closure.started_at} />
      )}
      <h3>Attempts</h3>
      {list === null ? (
        <p class="muted">Loading…</p>
      ) : list.length === 0 ? (
        <p class="muted">No task attempts: this node runs no task, or it has not started.</p>
      ) : (
        <Attempts attempts={list} chosen={chosen} route={route} now={props.now} />
      )}
      {attempt && (
        <section aria-labelledby="logs-heading">
          <h3 id="logs-heading">Logs of attempt #{chosen + 1}</h3>
          <TaskLogs
            key={chosen}
            logs={attempt.closure.logs ?? []}
            live={!isTerminal(attempt.closure.phase)}
            paused={props.paused}
          />
        </section>
      )}
      <section aria-labelledby="node-io-heading" class="panel-io">
        <h3 id="node-io-heading">Node inputs and outputs</h3>
        <h4>Inputs</h4>
        <LiteralTable values={nodeData.value?.full_inputs} empty="No inputs." class="node-inputs" />
        <h4>Outputs</h4>
        <LiteralTable
          values={nodeData.value?.full_outputs}
          empty={nodeEnded ? "No outputs." : "Not yet: the node is running."}
          class="node-outputs"
          order={props.outputOrder}
        />
      </section>
      {attempt && (
        <section aria-labelledby="attempt-io-heading" class="panel-io">
          <h3 id="attempt-io-heading">Attempt #{chosen + 1} inputs and outputs</h3>
          {attemptData.value.has(chosen) ? (
            <>
              <h4>Inputs</h4>
              <LiteralTable values={attemptData.value.get(chosen)!.full_inputs} empty="No inputs." class="attempt-inputs" />
              <h4>Outputs</h4>
              <LiteralTable
                values={attemptData.value.get(chosen)!.full_outputs}
                empty="No outputs."
                class="attempt-outputs"
                order={props.outputOrder}
              />
            </>
          ) : (
            <p class="muted">Shown once the attempt has ended.</p>
          )}
        </section>
      )}
      {node?.closure.deck_uri && <NodeDeck id={id} nodeId={nodeId} />}
      {template && (
        <section aria-labelledby="task-heading">
          <h3 id="task-heading">Task</h3>
          <TaskTemplateFacts template={template} />
        </section>
      )}
    </aside>
  );
}
