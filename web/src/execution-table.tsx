// A table of executions, newest first: the executions page and each entity page's recent runs.
import type { Execution } from "./api";
import { PhaseBadge, Time } from "./components";
import { elapsedMs, formatDuration } from "./format";
import { Link } from "./navigation";
import { isTerminal } from "./phase";

export function ExecutionTable(props: { executions: Execution[]; now: number; id?: string }) {
  return (
    <table class="grid" id={props.id}>
      <thead>
        <tr>
          <th scope="col">Phase</th>
          <th scope="col">Name</th>
          <th scope="col">Launch plan</th>
          <th scope="col">Version</th>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      <tbody>
        {props.executions.map((e) => {
          const ms = elapsedMs(e.closure.started_at, e.closure.duration, isTerminal(e.closure.phase), props.now);
          return (
            <tr key={e.id.name}>
              <td>
                <PhaseBadge phase={e.closure.phase} />
              </td>
              <td>
                <Link to={{ page: "execution", ...e.id }}>{e.id.name}</Link>
              </td>
              <td>{e.spec.launch_plan?.name ?? ""}</td>
              <td>{e.spec.launch_plan?.version ?? ""}</td>
              <td>
                <Time iso={e.closure.started_at} />
              </td>
              <td>{ms === null ? "" : formatDuration(ms)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
