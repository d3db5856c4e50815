// The console's URLs: FlyteConsole's scheme under /console, so every link flytekit, pyflyte and
// FlyteRemote print opens the right page. parseRoute and routeHref are inverses for the pages
// served today; legacy and not-yet-served FlyteConsole paths map to the nearest page.

export const BASE = "/console";
export const DEFAULT_DOMAIN = "development";

export type Route =
  | { page: "projects" }
  | { page: "executions"; project: string; domain: string }
  | { page: "execution"; project: string; domain: string; name: string; node?: string; attempt?: number }
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
    return { page: "executions", project, domain: query.get("domain") || DEFAULT_DOMAIN };
  }
  if (parts[2] !== "domains" || parts.length < 4) return { page: "notFound", path: pathname };
  const domain = parts[3];
  if (parts.length === 4 || (parts.length === 5 && parts[4] === "executions")) {
    return { page: "executions", project, domain };
  }
  // .../executions/{name}?node=..&attempt=.. (the node side panel), and FlyteConsole's
  // task-level paths below it (/nodeId/{n}/taskId/{t}/attempt/{a}/...), which open that panel.
  if (parts[4] === "executions" && parts.length >= 6) {
    const route: Route = { page: "execution", project, domain, name: parts[5] };
    const node = parts[6] === "nodeId" && parts[7] ? parts[7] : query.get("node");
    const attempt = parts[6] === "nodeId" && parts[10] === "attempt" ? parts[11] : query.get("attempt");
    if (node) route.node = node;
    if (node && attempt && /^\d+$/.test(attempt)) route.attempt = Number(attempt);
    return route;
  }
  return { page: "notFound", path: pathname };
}

const enc = encodeURIComponent;

export function routeHref(route: Route): string {
  switch (route.page) {
    case "projects":
      return `${BASE}/select-project`;
    case "executions":
      return `${BASE}/projects/${enc(route.project)}/domains/${enc(route.domain)}/executions`;
    case "execution": {
      const query = new URLSearchParams();
      if (route.node) query.set("node", route.node);
      if (route.node && route.attempt !== undefined) query.set("attempt", String(route.attempt));
      const search = query.size ? `?${query}` : "";
      return `${BASE}/projects/${enc(route.project)}/domains/${enc(route.domain)}/executions/${enc(route.name)}${search}`;
    }
    case "notFound":
      return route.path;
  }
}
