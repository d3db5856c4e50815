// How long an execution, node or attempt has run: the recorded duration once it ended, else
// counting from its start (the page's `now` ticks with each poll); and the start and duration
// cells the Nodes and attempts tables share.
import type { Progress } from "../api";
import { Time } from "../components";
import { elapsedMs, formatDuration } from "../format";
import { isTerminal } from "../phase";

export function Duration(props: { progress: Progress; now: number }) {
  const { started_at, duration, phase } = props.progress;
  const ms = elapsedMs(started_at, duration, isTerminal(phase), props.now);
  return <span>{ms === null ? "—" : formatDuration(ms)}</span>;
}

export function StartAndDuration(props: { progress: Progress; now: number }) {
  return (
    <>
      <td>
        <Time iso={props.progress.started_at} />
      </td>
      <td>
        <Duration progress={props.progress} now={props.now} />
      </td>
    </>
  );
}
