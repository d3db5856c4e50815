// The executions list's filter bar: a checkbox per status and a name search. Each change is a new
// URL (execution-filters.ts), so the list, a reload and a shared link agree: a status click adds
// a history entry, typing in the search replaces the current one (Back does not replay every key).
import { PhaseBadge } from "../components";
import { STATUSES, toggleStatus, type ExecutionFilters, type StatusKey } from "../execution-filters";
import { navigate } from "../navigation";
import { routeHref } from "../routes";

export function ExecutionFilterBar(props: { project: string; domain: string; filters: ExecutionFilters }) {
  const { project, domain, filters } = props;
  const go = (next: ExecutionFilters, replace: boolean) =>
    navigate(routeHref({ page: "executions", project, domain, ...next }), false, replace);
  const picked = new Set(filters.status ?? []);
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
    </form>
  );
}
