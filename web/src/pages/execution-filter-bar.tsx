// The executions list's filter bar: a checkbox per status, a name search, the workflow (a choice
// of the project domain's workflows) and a creation time window (UTC, as the console shows
// times). Each change is a new URL (execution-filters.ts), so the list, a reload and a shared link
// agree: a status click, a workflow or a time picked adds a history entry, typing in the search
// replaces the current one (Back does not replay every key).
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

import { PhaseBadge } from "../components";
import { entityApi } from "../entity-api";
import { STATUSES, toggleStatus, utcTime, type ExecutionFilters, type StatusKey } from "../execution-filters";
import { navigate } from "../navigation";
import { routeHref } from "../routes";

// The workflow names to choose from, read once per project domain (no list: a name typed in the
// URL still filters, and is offered).
function useWorkflowNames(project: string, domain: string): string[] {
  const names = useSignal<string[]>([]);
  useEffect(() => {
    let live = true;
    entityApi.names("workflow", project, domain).then(
      (reply) => live && (names.value = (reply.entities ?? []).map((e) => e.id.name)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [project, domain]);
  return names.value;
}

// A time field: the URL's RFC 3339 shown as datetime-local takes it (UTC, to the second).
function TimeField(props: { label: string; id: string; value?: string; set: (iso: string | undefined) => void }) {
  return (
    <label class="filter-time" for={props.id}>
      {props.label} <span class="muted">(UTC)</span>
      <input
        id={props.id}
        type="datetime-local"
        step={1}
        value={props.value ? props.value.replace(/Z$/, "") : ""}
        onChange={(e) => props.set(utcTime((e.target as HTMLInputElement).value) || undefined)}
      />
    </label>
  );
}

export function ExecutionFilterBar(props: { project: string; domain: string; filters: ExecutionFilters }) {
  const { project, domain, filters } = props;
  const go = (next: ExecutionFilters, replace: boolean) =>
    navigate(routeHref({ page: "executions", project, domain, ...next }), false, replace);
  const picked = new Set(filters.status ?? []);
  const names = useWorkflowNames(project, domain);
  const choices = filters.workflow && !names.includes(filters.workflow) ? [filters.workflow, ...names] : names;
  return (
    <form role="search" class="filter-bar" aria-label="Filter executions" onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>Phase</legend>
        {(Object.keys(STATUSES) as StatusKey[]).map((key) => (
          <label key={key} class="filter-status">
            <input
              type="checkbox"
              name="status"
              value={key}
              checked={picked.has(key)}
              onChange={() => go(toggleStatus(filters, key), false)}
            />{" "}
            <PhaseBadge phase={STATUSES[key][0]} />
          </label>
        ))}
      </fieldset>
      <label class="filter-search">
        Name contains
        <input
          type="search"
          value={filters.search ?? ""}
          onInput={(e) => go({ ...filters, search: (e.target as HTMLInputElement).value || undefined }, true)}
        />
      </label>
      <label class="filter-workflow">
        Workflow
        <select
          value={filters.workflow ?? ""}
          onChange={(e) => go({ ...filters, workflow: (e.target as HTMLSelectElement).value || undefined }, false)}
        >
          <option value="">Any workflow</option>
          {choices.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <TimeField label="Created after" id="filter-after" value={filters.after} set={(after) => go({ ...filters, after }, false)} />
      <TimeField
        label="Created before"
        id="filter-before"
        value={filters.before}
        set={(before) => go({ ...filters, before }, false)}
      />
    </form>
  );
}
