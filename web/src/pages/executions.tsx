// A project domain's executions, newest first, narrowed by the filters in the URL (phases, a name
// search, the workflow, the launch plan, a creation time window, how long it ran:
// execution-filter-bar.tsx); live while any shown one runs.
import { useSignal } from "@preact/signals";

import { api, type Execution } from "../api";
import { filterExpression, filtersOf, type ExecutionFilters } from "../execution-filters";
import { ErrorBanner } from "../components";
import { ExecutionTable } from "../execution-table";
import { useLivePolling } from "../live";
import { Link } from "../navigation";
import { isTerminal } from "../phase";
import { ProjectNav } from "../project-nav";
import { ExecutionFilterBar } from "./execution-filter-bar";

const IDLE_MS = 10_000; // nothing running: look for new executions now and then

export function ExecutionsPage(props: { project: string; domain: string } & ExecutionFilters) {
  const filters = filtersOf(props);
  const expression = filterExpression(filters);
  const executions = useSignal<Execution[] | null>(null);
  const error = useSignal<string | null>(null);
  const now = useSignal(Date.now());
  useLivePolling(
    async (current) => {
      const reply = await api.executions(props.project, props.domain, expression);
      if (!current()) return false;
      executions.value = reply.executions ?? [];
      now.value = Date.now();
      error.value = null;
      return executions.value.some((e) => !isTerminal(e.closure.phase));
    },
    IDLE_MS,
    (e) => (error.value = `Could not load executions: ${(e as Error).message}`),
    `${props.project}/${props.domain}?${expression}`,
  );
  return (
    <main id="main">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link to={{ page: "projects" }}>Projects</Link> / {props.project} / {props.domain}
      </nav>
      <ProjectNav project={props.project} domain={props.domain} current="executions" />
      <h1>Executions</h1>
      <ExecutionFilterBar project={props.project} domain={props.domain} filters={filters} />
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
      {executions.value === null && !error.value && <p class="muted">Loading…</p>}
      {executions.value?.length === 0 &&
        (expression ? (
          <p>
            No executions match these filters.{" "}
            <Link to={{ page: "executions", project: props.project, domain: props.domain }}>Show all</Link>
          </p>
        ) : (
          <p>No executions in {props.project}/{props.domain} yet.</p>
        ))}
      {executions.value && executions.value.length > 0 && (
        <ExecutionTable executions={executions.value} now={now.value} />
      )}
    </main>
  );
}
