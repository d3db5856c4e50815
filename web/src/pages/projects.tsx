// The landing page: every project with a link to each of its domains' executions.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

import { api, type Project } from "../api";
import { ErrorBanner } from "../components";
import { Link } from "../navigation";

export function ProjectsPage() {
  const projects = useSignal<Project[] | null>(null);
  const error = useSignal<string | null>(null);
  useEffect(() => {
    api.projects().then(
      (reply) => (projects.value = reply.projects ?? []),
      (e: Error) => (error.value = e.message),
    );
  }, []);
  return (
    <main id="main">
      <h1>Projects</h1>
      {error.value && <ErrorBanner>Could not load projects: {error.value}</ErrorBanner>}
      {projects.value === null && !error.value && <p class="muted">Loading…</p>}
      {projects.value?.length === 0 && <p>No projects yet.</p>}
      <ul class="cards">
        {projects.value?.map((p) => (
          <li class="card" key={p.id}>
            <h2>{p.name || p.id}</h2>
            {p.description && <p class="muted">{p.description}</p>}
            <ul class="inline">
              {p.domains.map((d) => (
                <li key={d.id}>
                  <Link to={{ page: "executions", project: p.id, domain: d.id }}>{d.name || d.id}</Link>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </main>
  );
}
