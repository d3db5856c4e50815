// A project domain's Flyte 2 runs (RunService/ListRuns), newest first, 50 a page (the next page
// by the server's token, kept in the URL like the phase filter, `?phase=failed;running`); live
// while any shown run has not ended, else every 10 s.
import { useSignal } from "@preact/signals";

import { ErrorBanner, PhaseBadge, Time } from "../components";
import { useLivePolling } from "../live";
import { Link, navigate } from "../navigation";
import { isTerminal } from "../phase";
import { ProjectNav } from "../project-nav";
import { routeHref, RUN_PHASES, type RunPhase } from "../routes";
import { v2, type Action } from "../v2/api";
import { progressOf } from "../v2/tree";
import { Duration } from "./duration";

const IDLE_MS = 10_000;
const LABEL: Record<RunPhase, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  aborted: "Aborted",
  timed_out: "Timed out",
};

// The ACTION_PHASE_ names a filter asks for: "queued" covers the phases before running.
function actionPhases(phases: RunPhase[]): string[] {
  return phases.flatMap((p) =>
    p === "queued"
      ? ["ACTION_PHASE_QUEUED", "ACTION_PHASE_WAITING_FOR_RESOURCES", "ACTION_PHASE_INITIALIZING"]
      : [`ACTION_PHASE_${p.toUpperCase()}`],
  );
}

export function RunsPage(props: { project: string; domain: string; phases?: RunPhase[]; token?: string }) {
  const { project, domain } = props;
  const phases = props.phases ?? [];
  const runs = useSignal<Action[] | null>(null);
  const next = useSignal("");
  const error = useSignal<string | null>(null);
  const now = useSignal(Date.now());
  useLivePolling(
    async (current) => {
      const reply = await v2.runs(project, domain, actionPhases(phases), props.token ?? "");
      if (!current()) return false;
      runs.value = (reply.runs ?? []).map((r) => r.action);
      next.value = reply.token ?? "";
      now.value = Date.now();
      error.value = null;
      return runs.value.some((a) => !isTerminal(progressOf(a.status ?? {}).phase));
    },
    IDLE_MS,
    (e) => (error.value = `Could not load runs: ${(e as Error).message}`),
    `${project}/${domain}?${phases.join(";")}&${props.token ?? ""}`,
  );
  const toggle = (phase: RunPhase) => {
    const chosen = phases.includes(phase) ? phases.filter((p) => p !== phase) : [...phases, phase];
    navigate(routeHref({ page: "runs", project, domain, phases: RUN_PHASES.filter((p) => chosen.includes(p)) }), false);
  };
  return (
    <main id="main">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link to={{ page: "projects" }}>Projects</Link> / {project} / {domain}
      </nav>
      <ProjectNav project={project} domain={domain} current="runs" />
      <h1>Runs</h1>
      <div class="filter-bar">
        <fieldset id="run-phases">
          <legend>Phase</legend>
          {RUN_PHASES.map((p) => (
            <label key={p}>
              <input type="checkbox" name={p} checked={phases.includes(p)} onChange={() => toggle(p)} /> {LABEL[p]}
            </label>
          ))}
        </fieldset>
      </div>
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
      {runs.value === null && !error.value && <p class="muted">Loading…</p>}
      {runs.value?.length === 0 && (
        <p>{phases.length ? "No runs in these phases." : `No Flyte 2 runs in ${project}/${domain} yet.`}</p>
      )}
      {runs.value && runs.value.length > 0 && (
        <table class="grid" id="runs">
          <thead>
            <tr>
              <th scope="col">Phase</th>
              <th scope="col">Name</th>
              <th scope="col">Task</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.value.map((a) => {
              const progress = progressOf(a.status ?? {});
              return (
                <tr key={a.id.run.name} data-run={a.id.run.name}>
                  <td>
                    <PhaseBadge phase={progress.phase} />
                  </td>
                  <td>
                    <Link to={{ page: "run", project, domain, name: a.id.run.name }}>{a.id.run.name}</Link>
                  </td>
                  <td>{a.metadata?.task?.id?.name ?? a.metadata?.task?.shortName ?? ""}</td>
                  <td>
                    <Time iso={progress.started_at} />
                  </td>
                  <td>
                    <Duration progress={progress} now={now.value} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages">
        {props.token && <Link to={{ page: "runs", project, domain, phases }}>First page</Link>}
        {next.value && <Link to={{ page: "runs", project, domain, phases, token: next.value }}>Next page</Link>}
      </nav>
    </main>
  );
}
