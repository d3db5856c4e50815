// The console's URLs: FlyteConsole's scheme under /console, so every link flytekit, pyflyte and
// FlyteRemote print opens the right page. parseRoute and routeHref are inverses for the pages
// served today; legacy and not-yet-served FlyteConsole paths map to the nearest page. Flyte 2's
// runs: a project domain's list at .../domains/{d}/runs, and a run at the path the SDK prints
// (`/v2/domain/{d}/project/{p}/runs/{run}`, which the server redirects to under /console).

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
  | { page: "runs"; project: string; domain: string; phases?: RunPhase[]; token?: string }
  | { page: "run"; project: string; domain: string; name: string; action?: string }
  | { page: "notFound"; path: string };

// The phases the runs list filters by (`?phase=failed;running`), Flyte 2's ACTION_PHASE_ names.
export const RUN_PHASES = ["queued", "running", "succeeded", "failed", "aborted", "timed_out"] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

function runsRoute(project: string, domain: string, query: URLSearchParams): Route {
  const route: Route = { page: "runs", project, domain };
  const phases = RUN_PHASES.filter((p) => (query.get("phase") ?? "").split(";").includes(p));
  if (phases.length) route.phases = phases;
  if (query.get("token")) route.token = query.get("token")!;
  return route;
}

// /v2/domain/{d}/project/{p}/runs[/{run}] (below /console).
function flyte2Route(parts: string[], query: URLSearchParams): Route | null {
  if (parts[1] !== "domain" || parts[3] !== "project" || parts[5] !== "runs") return null;
  const [domain, project] = [parts[2], parts[4]];
  if (parts.length === 6) return runsRoute(project, domain, query);
  if (parts.length !== 7) return null;
  const route: Route = { page: "run", project, domain, name: parts[6] };
  if (query.get("action")) route.action = query.get("action")!;
  return route;
}

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
  if (parts[0] === "v2") return flyte2Route(parts, query) ?? { page: "notFound", path: pathname };
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
  if (parts[4] === "runs" && parts.length === 5) return runsRoute(project, domain, query);
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
    case "runs": {
      const query = new URLSearchParams();
      if (route.phases?.length) query.set("phase", route.phases.join(";"));
      if (route.token) query.set("token", route.token);
      const search = query.size ? `?${query}` : "";
      return `${BASE}/projects/${enc(route.project)}/domains/${enc(route.domain)}/runs${search}`;
    }
    case "run": {
      const search = route.action ? `?action=${enc(route.action)}` : "";
      return `${BASE}/v2/domain/${enc(route.domain)}/project/${enc(route.project)}/runs/${enc(route.name)}${search}`;
    }
    case "notFound":
      return route.path;
  }
}
