// A Flyte 2 run (the page `flyte run` links, /v2/domain/{d}/project/{p}/runs/{run}): a header
// with its phase, task, times and Abort, the tree of its actions (each under the parent that
// enqueued it, phase, attempts, start, duration), and an action's side panel (`?action=`,
// action-panel.tsx). Polls GetRunDetails and ListActions every second until the run has ended.
import { useSignal } from "@preact/signals";

import { ErrorBanner, PhaseBadge, Time } from "../components";
import { StopDialog } from "../execution-actions";
import { useLivePolling } from "../live";
import { Link } from "../navigation";
import { isTerminal } from "../phase";
import { v2, type Action, type ActionDetails, type RunId } from "../v2/api";
import { actionRows, progressOf, type ActionRow } from "../v2/tree";
import { ActionPanel } from "./action-panel";
import { AttemptError } from "./node-panel";
import { Duration, StartAndDuration } from "./duration";

function Header(props: { run: ActionDetails; now: number; onChanged: () => void }) {
  const { run } = props;
  const id = run.id.run;
  const progress = progressOf(run.status ?? {});
  const task = run.metadata?.task;
  return (
    <header class="execution-header">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link to={{ page: "projects" }}>Projects</Link> /{" "}
        <Link to={{ page: "runs", project: id.project, domain: id.domain }}>
          {id.project} / {id.domain}
        </Link>
      </nav>
      <h1>
        <span class="muted">Run</span> {id.name}
      </h1>
      <dl class="facts">
        <div>
          <dt>Phase</dt>
          <dd id="run-phase">
            <PhaseBadge phase={progress.phase} />
          </dd>
        </div>
        <div>
          <dt>Task</dt>
          <dd>
            {task?.id?.name ?? task?.shortName ?? "—"}
            {task?.id?.version && <span class="muted"> {task.id.version}</span>}
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <Time iso={run.status?.startTime} />
          </dd>
        </div>
        <div>
          <dt>Ended</dt>
          <dd>
            <Time iso={run.status?.endTime} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>
            <Duration progress={progress} now={props.now} />
          </dd>
        </div>
      </dl>
      {run.errorInfo?.message && <AttemptError error={{ message: run.errorInfo.message }} />}
      {run.abortInfo?.reason && <p class="muted">Aborted: {run.abortInfo.reason}</p>}
      {!isTerminal(progress.phase) && (
        <div class="execution-actions">
          <StopDialog
            name={id.name}
            verb="Abort"
            stop={(reason) => v2.abort(id, reason)}
            onDone={props.onChanged}
          />
        </div>
      )}
    </header>
  );
}

function ActionTree(props: {
  id: RunId;
  rows: ActionRow[];
  collapsed: ReadonlySet<string>;
  selected?: string;
  now: number;
  onToggle: (name: string) => void;
}) {
  return (
    <table class="grid" id="actions">
      <thead>
        <tr>
          <th scope="col">Action</th>
          <th scope="col">Task</th>
          <th scope="col">Phase</th>
          <th scope="col">Attempts</th>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map(({ action, depth, children }) => {
          const name = action.id.name;
          const progress = progressOf(action.status ?? {});
          const open = !props.collapsed.has(name);
          return (
            <tr
              key={name}
              data-action={name}
              data-depth={depth}
              aria-current={name === props.selected ? "true" : undefined}
            >
              <th scope="row" class={`depth-${Math.min(depth, 6)}`}>
                {children > 0 ? (
                  <button
                    type="button"
                    class="toggle"
                    aria-expanded={open}
                    aria-label={`${open ? "Collapse" : "Expand"} ${name}`}
                    onClick={() => props.onToggle(name)}
                  >
                    {open ? "▾" : "▸"}
                  </button>
                ) : (
                  <span class="toggle-space" />
                )}
                <Link to={{ page: "run", ...props.id, action: name }} scroll={false}>
                  {name}
                </Link>
                {children > 0 && <span class="muted"> ({children})</span>}
              </th>
              <td>{action.metadata?.task?.shortName ?? action.metadata?.task?.id?.name ?? ""}</td>
              <td>
                <PhaseBadge phase={progress.phase} />
              </td>
              <td>{action.status?.attempts ?? ""}</td>
              <StartAndDuration progress={progress} now={props.now} />
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function RunPage(props: { project: string; domain: string; name: string; action?: string }) {
  const id: RunId = { project: props.project, domain: props.domain, name: props.name };
  const run = useSignal<ActionDetails | null>(null);
  const actions = useSignal<Action[]>([]);
  const collapsed = useSignal<ReadonlySet<string>>(new Set());
  const error = useSignal<string | null>(null);
  const now = useSignal(Date.now());
  const generation = useSignal(0); // bumped to read again after an abort
  useLivePolling(
    async (current) => {
      const [details, list] = await Promise.all([v2.run(id), v2.actions(id)]);
      if (!current()) return false;
      run.value = details.details.action;
      actions.value = list;
      now.value = Date.now();
      error.value = null;
      return !isTerminal(progressOf(run.value.status ?? {}).phase);
    },
    null,
    (e) => (error.value = `Could not load the run: ${(e as Error).message}`),
    `${props.project}/${props.domain}/${props.name}#${generation.value}`,
  );
  const toggle = (name: string) => {
    const next = new Set(collapsed.value);
    if (!next.delete(name)) next.add(name);
    collapsed.value = next;
  };
  return (
    <main id="main">
      {run.value ? (
        <Header run={run.value} now={now.value} onChanged={() => generation.value++} />
      ) : (
        !error.value && <p class="muted">Loading…</p>
      )}
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
      {run.value && (
        <section aria-labelledby="actions-heading">
          <h2 id="actions-heading">Actions</h2>
          <ActionTree
            id={id}
            rows={actionRows(actions.value, collapsed.value)}
            collapsed={collapsed.value}
            selected={props.action}
            now={now.value}
            onToggle={toggle}
          />
        </section>
      )}
      {props.action && (
        <ActionPanel key={props.action} id={{ run: id, name: props.action }} now={now.value} />
      )}
    </main>
  );
}
