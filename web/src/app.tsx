// The page for the current route.
import { loginRequired } from "./auth";
import { TimeModeSwitch } from "./components";
import { EntitiesPage } from "./pages/entities";
import { EntityPage } from "./pages/entity";
import { ExecutionPage } from "./pages/execution";
import { ExecutionsPage } from "./pages/executions";
import { LoginPage } from "./pages/login";
import { ProjectsPage } from "./pages/projects";
import { RunPage } from "./pages/run";
import { RunsPage } from "./pages/runs";
import { currentRoute, Link } from "./navigation";
import { routeHref } from "./routes";

function NotFound(props: { path: string }) {
  return (
    <main id="main">
      <h1>Not found</h1>
      <p>
        Nothing is shown at <code>{props.path}</code>. <Link to={{ page: "projects" }}>All projects</Link>
      </p>
    </main>
  );
}

export function App() {
  // A 401 puts the login page in place of the page asked for, which mounts afresh once logged in.
  const route = loginRequired.value ? ({ page: "login" } as const) : currentRoute.value;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link to={{ page: "projects" }} class="brand">
          Flyte sandbox
        </Link>
        <TimeModeSwitch />
      </header>
      {route.page === "login" && <LoginPage />}
      {route.page === "projects" && <ProjectsPage />}
      {route.page === "executions" && <ExecutionsPage key={route.project + "/" + route.domain} {...route} />}
      {route.page === "execution" && (
        <ExecutionPage key={`${route.project}/${route.domain}/${route.name}`} {...route} />
      )}
      {route.page === "runs" && <RunsPage key={routeHref(route)} {...route} />}
      {route.page === "run" && <RunPage key={`${route.project}/${route.domain}/${route.name}`} {...route} />}
      {route.page === "entities" && <EntitiesPage key={routeHref(route)} {...route} />}
      {route.page === "entity" && <EntityPage key={routeHref(route)} {...route} />}
      {route.page === "notFound" && <NotFound path={route.path} />}
    </>
  );
}
