// A project domain's workflows, tasks or launch plans (FlyteConsole's .../workflows, /tasks,
// /launchPlans): every name, filtered as you type, each linking to its page.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

import "../entities.css";

import { ErrorBanner } from "../components";
import { entityApi, type NamedEntity } from "../entity-api";
import { Link } from "../navigation";
import { KIND_LABEL, ProjectNav } from "../project-nav";
import type { EntityKind } from "../routes";

export function EntitiesPage(props: { kind: EntityKind; project: string; domain: string }) {
  const { kind, project, domain } = props;
  const names = useSignal<NamedEntity[] | null>(null);
  const error = useSignal<string | null>(null);
  const search = useSignal("");
  useEffect(() => {
    entityApi.names(kind, project, domain).then(
      (reply) => (names.value = reply.entities ?? []),
      (e: Error) => (error.value = `Could not load ${KIND_LABEL[kind].many.toLowerCase()}: ${e.message}`),
    );
  }, []);
  const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = names.value?.filter((e) => words.every((w) => e.id.name.toLowerCase().includes(w)));
  return (
    <main id="main">
      <nav class="crumbs" aria-label="Breadcrumbs">
        <Link to={{ page: "projects" }}>Projects</Link> / {project} / {domain}
      </nav>
      <ProjectNav project={project} domain={domain} current={kind} />
      <h1>{KIND_LABEL[kind].many}</h1>
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
      {names.value === null && !error.value && <p class="muted">Loading…</p>}
      {names.value?.length === 0 && (
        <p>
          No {KIND_LABEL[kind].many.toLowerCase()} registered in {project}/{domain} yet.
        </p>
      )}
      {names.value && names.value.length > 0 && (
        <>
          <label for="entity-search">Search by name</label>
          <input
            id="entity-search"
            type="search"
            class="search"
            value={search.value}
            onInput={(e) => (search.value = (e.target as HTMLInputElement).value)}
          />
          <p class="muted" aria-live="polite">
            {shown!.length} of {names.value.length}
          </p>
          <table class="grid" id="entities">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {shown!.map((e) => (
                <tr key={e.id.name}>
                  <td>
                    <Link to={{ page: "entity", kind, project, domain, name: e.id.name }}>{e.id.name}</Link>
                  </td>
                  <td>{e.metadata?.description || <span class="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
