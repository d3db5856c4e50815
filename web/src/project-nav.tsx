// The links between a project domain's pages: executions, Flyte 2's runs, workflows, tasks, launch plans.
import { Link } from "./navigation";
import type { EntityKind } from "./routes";

export const KIND_LABEL: Record<EntityKind, { one: string; many: string }> = {
  workflow: { one: "Workflow", many: "Workflows" },
  task: { one: "Task", many: "Tasks" },
  launch_plan: { one: "Launch plan", many: "Launch plans" },
};

export function ProjectNav(props: { project: string; domain: string; current: EntityKind | "executions" | "runs" }) {
  const { project, domain, current } = props;
  const kinds: EntityKind[] = ["workflow", "task", "launch_plan"];
  return (
    <nav class="project-nav" aria-label="Project pages">
      <Link to={{ page: "executions", project, domain }} current={current === "executions"}>
        Executions
      </Link>
      <Link to={{ page: "runs", project, domain }} current={current === "runs"}>
        Runs (Flyte 2)
      </Link>
      {kinds.map((kind) => (
        <Link key={kind} to={{ page: "entities", kind, project, domain }} current={current === kind}>
          {KIND_LABEL[kind].many}
        </Link>
      ))}
    </nav>
  );
}
