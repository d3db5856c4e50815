// The console's URLs: FlyteConsole's scheme under /console, so every link flytekit, pyflyte and
// FlyteRemote print opens the right page. parseRoute and routeHref are inverses for the pages
// served today; legacy and not-yet-served FlyteConsole paths map to the nearest page.

import { filterParams, parseFilters, type ExecutionFilters } from "./execution-filters";

export const BASE = "/console";
export const DEFAULT_DOMAIN = "development";

// Workflows, tasks and launch plans: one list page and one detail page per kind.
export type EntityKind = "workflow" | "task" | "launch_plan";
// FlyteConsole's path words: the plural lists and names all versions, the singular names one.
const PLURAL: Record<EntityKind, string> = { workflow: "workflows", task: "tasks", launch_plan: "launchPlans" };
const KIND_OF_PLURAL = new Map(Object.entries(PLURAL).map(([k, p]) => [p, k as EntityKind]));
const KINDS = new Set(Object.keys(PLURAL));

// The execution page's tabs (FlyteConsole's `?tab=` names); Nodes is the default, left out of URLs.
export const TABS = ["nodes", "graph", "timeline"] as const;
export type TabName = (typeof TABS)[number];

export type Route =
  | { page: "projects" }
  | { page: "entities"; kind: EntityKind; project: string; domain: string }
  | { page: "entity"; kind: EntityKind; project: string; domain: string; name: string; version?: string }
  | ({ page: "executions"; project: string; domain: string } & ExecutionFilters)
  | {
      page: "execution";
      project: string;
      domain: string;
      name: string;
      tab?: TabName;
      node?: string;
      attempt?: number;
    }
  | { page: "notFound"; path: string };

function segments(pathname: string): string[] | null {
  if (pathname !== BASE && !pathname.startsWith(BASE + "/")) return null;
  try {
    return pathname
      .slice(BASE.length)
      .split("/")
      .filter((s) => s !== "")
      .map(decodeURIComponent);
  } catch {
    return null; // malformed %-escape
  }
}

export function parseRoute(pathname: string, search = ""): Route {
  const parts = segments(pathname);
  if (parts === null) return { page: "notFound", path: pathname };
  const query = new URLSearchParams(search);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "select-project")) return { page: "projects" };
  if (parts[0] !== "projects" || parts.length < 2) return { page: "notFound", path: pathname };
  const project = parts[1];
  // FlyteConsole's older /projects/{p}/executions?domain=d and the bare /projects/{p}.
  if (parts.length === 2 || (parts.length === 3 && parts[2] === "executions")) {
    return { page: "executions", project, domain: query.get("domain") || DEFAULT_DOMAIN, ...parseFilters(query) };
  }
  if (parts[2] !== "domains" || parts.length < 4) return { page: "notFound", path: pathname };
  const domain = parts[3];
  if (parts.length === 4 || (parts.length === 5 && parts[4] === "executions")) {
    return { page: "executions", project, domain, ...parseFilters(query) };
  }
  // .../executions/{name}?node=..&attempt=.. (the node side panel), and FlyteConsole's
  // task-level paths below it (/nodeId/{n}/taskId/{t}/attempt/{a}/...), which open that panel.
  if (parts[4] === "executions" && parts.length >= 6) {
    const route: Route = { page: "execution", project, domain, name: parts[5] };
    const tab = TABS.find((t) => t !== "nodes" && t === query.get("tab"));
    if (tab) route.tab = tab;
    const node = parts[6] === "nodeId" && parts[7] ? parts[7] : query.get("node");
    const attempt = parts[6] === "nodeId" && parts[10] === "attempt" ? parts[11] : query.get("attempt");
    if (node) route.node = node;
    if (node && attempt && /^\d+$/.test(attempt)) route.attempt = Number(attempt);
    return route;
  }
  const plural = KIND_OF_PLURAL.get(parts[4]);
  if (plural && parts.length === 5) return { page: "entities", kind: plural, project, domain };
  if (plural && parts.length === 6) return { page: "entity", kind: plural, project, domain, name: parts[5] };
  const singular = parts[4] as EntityKind;
  if (KINDS.has(singular) && parts.length === 8 && parts[6] === "version") {
    return { page: "entity", kind: singular, project, domain, name: parts[5], version: parts[7] };
  }
  return { page: "notFound", path: pathname };
}

const enc = encodeURIComponent;

export function routeHref(route: Route): string {
  switch (route.page) {
    case "projects":
      return `${BASE}/select-project`;
    case "executions": {
      const query = filterParams(route);
      const search = query.size ? `?${query}` : "";
      return `${BASE}/projects/${enc(route.project)}/domains/${enc(route.domain)}/executions${search}`;
    }
    case "execution": {
      const query = new URLSearchParams();
      if (route.tab && route.tab !== "nodes") query.set("tab", route.tab);
      if (route.node) query.set("node", route.node);
      if (route.node && route.attempt !== undefined) query.set("attempt", String(route.attempt));
      const search = query.size ? `?${query}` : "";
      return `${BASE}/projects/${enc(route.project)}/domains/${enc(route.domain)}/executions/${enc(route.name)}${search}`;
    }
    case "entities":
      return `${BASE}/projects/${enc(route.project)}/domains/${enc(route.domain)}/${PLURAL[route.kind]}`;
    case "entity": {
      const domain = `${BASE}/projects/${enc(route.project)}/domains/${enc(route.domain)}`;
      return route.version === undefined
        ? `${domain}/${PLURAL[route.kind]}/${enc(route.name)}`
        : `${domain}/${route.kind}/${enc(route.name)}/version/${enc(route.version)}`;
    }
    case "notFound":
      return route.path;
  }
}
