// The execution page's actions (CONSOLE.md §4.3): terminate with a cause (confirmed in a
// dialog), relaunch with the same inputs or with changes (pages/relaunch.tsx), recover an
// execution that failed (RecoverExecution: a new execution that reuses the outputs of the nodes
// that succeeded and runs the rest), archive and unarchive. Each is one gateway call; a relaunch
// or a recovery opens the new execution, the others show through the page's next poll or here.
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";

import "./forms.css";

import { execPath, send, type Execution, type ExecutionId } from "./api";
import { ErrorBanner } from "./components";
import { navigate } from "./navigation";
import { RelaunchWithChanges } from "./pages/relaunch";
import { isTerminal } from "./phase";
import { routeHref } from "./routes";

export const ARCHIVED = "EXECUTION_ARCHIVED";

// Where Recover is offered (FlyteConsole offers it for these too): what succeeded is kept.
const RECOVERABLE = new Set(["FAILED", "ABORTED", "TIMED_OUT"]);

const terminate = (id: ExecutionId, cause: string) => send<object>("DELETE", `executions/${execPath(id)}`, { cause });
const relaunch = (id: ExecutionId) => send<{ id: ExecutionId }>("POST", "executions/relaunch", { id, name: "" });
// FlyteConsole's call: an empty name lets the server pick the new execution's.
const recover = (id: ExecutionId) => send<{ id: ExecutionId }>("POST", "executions/recover", { id, name: "" });
const setState = (id: ExecutionId, state: string) => send<object>("PUT", `executions/${execPath(id)}`, { state });

// Stops a running execution (Terminate) or Flyte 2 run (Abort) with a cause the user may edit,
// asked in a native dialog; `stop` makes the call.
export function StopDialog(props: {
  name: string;
  verb: "Terminate" | "Abort";
  stop: (cause: string) => Promise<unknown>;
  onDone: () => void;
}) {
  const { verb } = props;
  const fallback = `${verb === "Abort" ? "Aborted" : "Terminated"} from the console`;
  const dialog = useRef<HTMLDialogElement>(null);
  const cause = useSignal(fallback);
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const submit = async () => {
    busy.value = true;
    try {
      await props.stop(cause.value.trim() || fallback);
      dialog.current?.close();
      props.onDone();
    } catch (e) {
      error.value = `Could not ${verb.toLowerCase()}: ${(e as Error).message}`;
    } finally {
      busy.value = false;
    }
  };
  const key = verb.toLowerCase();
  return (
    <>
      <button type="button" class="danger" onClick={() => dialog.current?.showModal()}>
        {verb}…
      </button>
      <dialog ref={dialog} aria-labelledby={`${key}-title`}>
        <h2 id={`${key}-title`}>
          {verb} {props.name}?
        </h2>
        <p>Its running tasks are stopped and it ends as Aborted.</p>
        <label for={`${key}-cause`}>{verb === "Abort" ? "Reason" : "Cause"}</label>
        <textarea
          id={`${key}-cause`}
          rows={3}
          value={cause.value}
          onInput={(e) => (cause.value = (e.target as HTMLTextAreaElement).value)}
        />
        {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
        <div class="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="button" class="danger" disabled={busy.value} onClick={submit}>
            {verb}
          </button>
        </div>
      </dialog>
    </>
  );
}

// `onChanged` asks the page for a fresh look at the execution (its polling may have stopped).
export function ExecutionActions(props: { execution: Execution; onChanged: () => void }) {
  const { id, closure } = props.execution;
  const archived = closure.state_change_details?.state === ARCHIVED;
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const act = async (what: string, action: () => Promise<void>) => {
    busy.value = true;
    error.value = null;
    try {
      await action();
    } catch (e) {
      error.value = `Could not ${what}: ${(e as Error).message}`;
    } finally {
      busy.value = false;
    }
  };
  // An action that makes a new execution, which then opens.
  const openNew = (what: string, call: (id: ExecutionId) => Promise<{ id: ExecutionId }>) =>
    act(what, async () => {
      const created = await call(id);
      navigate(routeHref({ page: "execution", ...created.id }));
    });
  return (
    <div class="execution-actions">
      <div class="actions" role="group" aria-label="Execution actions">
        {!isTerminal(closure.phase) && (
          <StopDialog
            name={id.name}
            verb="Terminate"
            stop={(cause) => terminate(id, cause)}
            onDone={props.onChanged}
          />
        )}
        <button type="button" disabled={busy.value} onClick={() => openNew("relaunch", relaunch)}>
          Relaunch
        </button>
        <RelaunchWithChanges execution={props.execution} onError={(message) => (error.value = message)} />
        {RECOVERABLE.has(closure.phase) && (
          <button type="button" disabled={busy.value} onClick={() => openNew("recover", recover)}>
            Recover
          </button>
        )}
        <button
          type="button"
          disabled={busy.value}
          onClick={() =>
            act(archived ? "unarchive" : "archive", async () => {
              await setState(id, archived ? "EXECUTION_ACTIVE" : ARCHIVED);
              props.onChanged();
            })
          }
        >
          {archived ? "Unarchive" : "Archive"}
        </button>
      </div>
      {archived && <p class="banner">Archived: hidden from the executions list.</p>}
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
    </div>
  );
}
