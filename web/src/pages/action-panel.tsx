// The side panel of a Flyte 2 action (`?action=` on the run page): its attempts with their
// errors, the last attempt's log, its inputs and outputs. Reads GetActionDetails and
// GetActionData every second while the action runs, once more when it has ended (its outputs
// appear then); Esc or Close closes it.
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";

import { ErrorBanner, PhaseBadge } from "../components";
import { errorSummary } from "../format";
import { LiteralTable } from "../literal-view";
import { useLivePolling } from "../live";
import { TaskLogs } from "../log-viewer";
import { logPath, MAX_LINES } from "../log-tail";
import { Link, navigate } from "../navigation";
import { isTerminal } from "../phase";
import { routeHref, type Route } from "../routes";
import { v2, type ActionData, type ActionDetails, type ActionId, type Attempt } from "../v2/api";
import { literalMapOf } from "../v2/literals";
import { LogsUnavailable, tailLogs } from "../v2/logs";
import { progressOf, v1Phase } from "../v2/tree";
import { AttemptsTable, type AttemptRow } from "./node-panel";
import { useEscapeCloses } from "./use-escape-closes";

function Attempts(props: { attempts: Attempt[]; now: number }) {
  const rows = props.attempts.map((a, i): AttemptRow => {
    const n = a.attempt ?? i + 1;
    const error = a.errorInfo?.message ? { message: a.errorInfo.message } : undefined;
    return { n, label: `#${n}`, progress: progressOf(a), error };
  });
  return <AttemptsTable rows={rows} now={props.now} />;
}

// The log streamed by TailLogs, started once per attempt (the stream ends after its last line).
function StreamedLog(props: { id: ActionId; attempt: number }) {
  const lines = useSignal<string[]>([]);
  const state = useSignal<"reading" | "ended" | "unavailable" | string>("reading");
  useEffect(() => {
    const abort = new AbortController();
    tailLogs(
      props.id,
      props.attempt,
      // Each message keeps its line's newline (the SDK prints them back to back): one line each here.
      (batch) =>
        (lines.value = [...lines.value, ...batch.map((l) => (l.message ?? "").replace(/\n$/, ""))].slice(-MAX_LINES)),
      abort.signal,
    ).then(
      () => (state.value = "ended"),
      (e) => {
        if (abort.signal.aborted) return;
        state.value = e instanceof LogsUnavailable ? "unavailable" : `Could not read the log: ${(e as Error).message}`;
      },
    );
    return () => abort.abort();
  }, [props.attempt]);
  if (state.value === "unavailable") return <p class="muted">Logs not available.</p>;
  return (
    <div class="log">
      {state.value !== "reading" && state.value !== "ended" && <p class="node-error">{state.value}</p>}
      <pre class="log-text" tabIndex={0} aria-label="Log">
        {lines.value.join("\n") || <span class="muted">{state.value === "reading" ? "Reading…" : "Empty."}</span>}
      </pre>
    </div>
  );
}

// The attempt's own log links where the details carry them (read inline when under /logs/),
// else TailLogs.
function AttemptLog(props: { id: ActionId; attempt: Attempt }) {
  const links = (props.attempt.logInfo ?? []).filter((l) => l.uri);
  if (links.some((l) => logPath(l.uri!))) {
    return <TaskLogs logs={links} live={!isTerminal(v1Phase(props.attempt.phase))} paused={false} />;
  }
  return <StreamedLog id={props.id} attempt={props.attempt.attempt ?? 1} />;
}

export function ActionPanel(props: { id: ActionId; now: number }) {
  const { id } = props;
  const details = useSignal<ActionDetails | null>(null);
  const data = useSignal<ActionData | null>(null);
  const error = useSignal<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const closed: Route = { page: "run", project: id.run.project, domain: id.run.domain, name: id.run.name };
  const closeHref = routeHref(closed);
  useEffect(() => heading.current?.focus(), [id.name]);
  useEscapeCloses(closeHref);
  useLivePolling(
    async (current) => {
      const [got, values] = await Promise.all([v2.action(id), v2.data(id)]);
      if (!current()) return false;
      details.value = got.details;
      data.value = values;
      error.value = null;
      return !isTerminal(v1Phase(got.details.status?.phase));
    },
    null,
    (e) => (error.value = `Could not load the action: ${(e as Error).message}`),
    `${id.run.name}/${id.name}`,
  );
  const d = details.value;
  const phase = v1Phase(d?.status?.phase);
  const attempts = d?.attempts ?? [];
  const last = attempts[attempts.length - 1];
  const outputs = data.value?.outputs;
  return (
    <aside class="panel" id="action-panel" aria-labelledby="action-panel-heading">
      <div class="panel-head">
        <h2 id="action-panel-heading" tabIndex={-1} ref={heading}>
          <span class="muted">Action</span> {id.name}{" "}
          {d?.metadata?.task?.shortName && <span class="muted">{d.metadata.task.shortName}</span>}
        </h2>
        <Link to={closed} scroll={false} class="close">
          <span aria-hidden="true">×</span> Close
        </Link>
      </div>
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
      {d && (
        <p>
          <PhaseBadge phase={phase} />
          {d.errorInfo?.message && <span class="node-error"> {errorSummary(d.errorInfo.message)}</span>}
          {d.abortInfo?.reason && <span class="muted"> {d.abortInfo.reason}</span>}
        </p>
      )}
      <h3>Attempts</h3>
      {d === null ? (
        <p class="muted">Loading…</p>
      ) : attempts.length === 0 ? (
        <p class="muted">Not started yet.</p>
      ) : (
        <Attempts attempts={attempts} now={props.now} />
      )}
      {last && (
        <section aria-labelledby="logs-heading">
          <h3 id="logs-heading">Log of attempt #{last.attempt ?? attempts.length}</h3>
          <AttemptLog key={last.attempt} id={id} attempt={last} />
        </section>
      )}
      <section aria-labelledby="action-io-heading" class="panel-io">
        <h3 id="action-io-heading">Inputs and outputs</h3>
        <h4>Inputs</h4>
        <LiteralTable
          values={literalMapOf(data.value?.inputs)}
          order={data.value?.inputs?.literals?.map((l) => l.name)}
          empty={data.value ? "No inputs." : "Loading…"}
          class="action-inputs"
        />
        <h4>Outputs</h4>
        <LiteralTable
          values={literalMapOf(outputs)}
          order={outputs?.literals?.map((l) => l.name)}
          empty={isTerminal(phase) || !d ? "No outputs." : "Not yet: the action is running."}
          class="action-outputs"
        />
      </section>
    </aside>
  );
}
