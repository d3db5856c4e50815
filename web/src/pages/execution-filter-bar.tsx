// The executions list's filter bar: a checkbox per status, a name search, the workflow and the
// launch plan (a choice of the project domain's), a creation time window (UTC, as the console
// shows times), how long it ran (at least, at most: 90s, 10m, 1h) and tags (any of them). Each
// change is a new URL (execution-filters.ts), so the list, a reload and a shared link agree: a
// status click, a choice, a time, a duration or tags add a history entry, typing in the search
// replaces the current one (Back does not replay every key).
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

import { PhaseBadge } from "../components";
import { entityApi } from "../entity-api";
import { parseTags, STATUSES, toggleStatus, utcTime, type ExecutionFilters, type StatusKey } from "../execution-filters";
import { parseDuration } from "../launch-values";
import { navigate } from "../navigation";
import { routeHref, type EntityKind } from "../routes";

// The workflow or launch plan names to choose from, read once per project domain (no list: a
// name typed in the URL still filters, and is offered).
function useNames(kind: EntityKind, project: string, domain: string): string[] {
  const names = useSignal<string[]>([]);
  useEffect(() => {
    let live = true;
    entityApi.names(kind, project, domain).then(
      (reply) => live && (names.value = (reply.entities ?? []).map((e) => e.id.name)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [kind, project, domain]);
  return names.value;
}

// A choice of names, the URL's own first when the list lacks it. The label names the select alone
// (a select inside its label would take its options' text into its name).
function NameField(props: {
  label: string;
  id: string;
  any: string;
  names: string[];
  value?: string;
  set: (name?: string) => void;
}) {
  const choices = props.value && !props.names.includes(props.value) ? [props.value, ...props.names] : props.names;
  return (
    <div class="filter-name">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value ?? ""}
        onChange={(e) => props.set((e.target as HTMLSelectElement).value || undefined)}
      >
        <option value="">{props.any}</option>
        {choices.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}

// A duration field: typed as the launch form takes durations, kept in the URL as whole seconds.
// What was typed stays while it is wrong, to be mended; a new URL remounts it (its `key`).
function DurationField(props: { label: string; id: string; value?: string; set: (seconds?: string) => void }) {
  const wrong = useSignal(false);
  const text = useSignal(props.value ? `${props.value}s` : "");
  // On Enter or leaving the field; the same value again changes nothing (no second history entry).
  const take = (text: string) => {
    let seconds: string | undefined;
    try {
      seconds = text.trim() === "" ? undefined : String(Math.round(parseFloat(parseDuration(text))));
    } catch {
      wrong.value = true;
      return;
    }
    wrong.value = seconds?.startsWith("-") ?? false;
    if (!wrong.value && seconds !== props.value) props.set(seconds);
  };
  return (
    <label class="filter-duration" for={props.id}>
      {props.label}
      <input
        id={props.id}
        type="text"
        size={11}
        placeholder="90s, 10m, 1h"
        aria-invalid={wrong.value ? "true" : undefined}
        aria-describedby={wrong.value ? `${props.id}-error` : undefined}
        value={text.value}
        onInput={(e) => (text.value = (e.target as HTMLInputElement).value)}
        onChange={() => take(text.value)}
        onKeyDown={(e) => e.key === "Enter" && take(text.value)}
      />
      {wrong.value && (
        <span class="field-error" id={`${props.id}-error`}>
          not a duration
        </span>
      )}
    </label>
  );
}

// Tags, typed "nightly, ml" and taken on Enter or leaving the field (a new URL remounts it).
// Enter sets off both handlers: what was taken is remembered, so it makes one history entry.
function TagsField(props: { value?: string[]; set: (tags?: string[]) => void }) {
  const text = useSignal((props.value ?? []).join(", "));
  const taken = useSignal((props.value ?? []).join(";"));
  const take = () => {
    const tags = parseTags(text.value);
    if (tags.join(";") === taken.value) return;
    taken.value = tags.join(";");
    props.set(tags.length ? tags : undefined);
  };
  return (
    <label class="filter-tags" for="filter-tags">
      Tags <span class="muted">(any)</span>
      <input
        id="filter-tags"
        type="text"
        size={16}
        placeholder="nightly, ml"
        value={text.value}
        onInput={(e) => (text.value = (e.target as HTMLInputElement).value)}
        onChange={take}
        onKeyDown={(e) => e.key === "Enter" && take()}
      />
    </label>
  );
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
  const workflows = useNames("workflow", project, domain);
  const plans = useNames("launch_plan", project, domain);
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
      <NameField
        label="Workflow"
        id="filter-workflow"
        any="Any workflow"
        names={workflows}
        value={filters.workflow}
        set={(workflow) => go({ ...filters, workflow }, false)}
      />
      <NameField
        label="Launch plan"
        id="filter-launch-plan"
        any="Any launch plan"
        names={plans}
        value={filters.launchPlan}
        set={(launchPlan) => go({ ...filters, launchPlan }, false)}
      />
      <TimeField label="Created after" id="filter-after" value={filters.after} set={(after) => go({ ...filters, after }, false)} />
      <TimeField
        label="Created before"
        id="filter-before"
        value={filters.before}
        set={(before) => go({ ...filters, before }, false)}
      />
      <DurationField
        key={`min-${filters.minDuration ?? ""}`}
        label="Ran at least"
        id="filter-min-duration"
        value={filters.minDuration}
        set={(minDuration) => go({ ...filters, minDuration }, false)}
      />
      <DurationField
        key={`max-${filters.maxDuration ?? ""}`}
        label="Ran at most"
        id="filter-max-duration"
        value={filters.maxDuration}
        set={(maxDuration) => go({ ...filters, maxDuration }, false)}
      />
      <TagsField key={`tags-${(filters.tags ?? []).join(";")}`} value={filters.tags} set={(tags) => go({ ...filters, tags }, false)} />
    </form>
  );
}
