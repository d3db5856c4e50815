// A waiting gate's controls in the node side panel (FlyteConsole's Resume form): Approve or
// Reject for `approve`, a field of the signal's type for `wait_for_input` (the launch form's
// widgets, literal JSON included), the wake-up time for `sleep`. The value goes to SetSignal
// (`POST /api/v1/signals`); the page's polling then shows the execution going on. Shown while the
// gate waits, and after that only to say what was sent from here (the engine may pass the gate
// before the reader has seen the answer).
import { useSignal } from "@preact/signals";

import "../forms.css";

import { api, type ExecutionId } from "../api";
import { ErrorBanner } from "../components";
import { approval, gateNeeds, type Gate } from "../gates";
import type { Literal } from "../literals";
import { phaseInfo } from "../phase";
import { typeText } from "../types";
import { fieldLiteral, FieldRow, initialField } from "./launch-field";

export function GateControls(props: { id: ExecutionId; gate: Gate; waiting: boolean; startedAt: string | undefined }) {
  const { gate } = props;
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const sent = useSignal<string | null>(null);
  const field = useSignal(
    gate.kind === "signal" ? initialField(gate.signalId, { var: { type: gate.type }, required: true }) : null,
  );

  const send = async (signalId: string, value: Literal, what: string) => {
    busy.value = true;
    error.value = null;
    try {
      await api.setSignal(props.id, signalId, value);
      sent.value = what;
    } catch (e) {
      error.value = `Could not send it: ${(e as Error).message}`;
    } finally {
      busy.value = false;
    }
  };
  const resume = (event: Event, signalId: string) => {
    event.preventDefault();
    const f = field.value!;
    let literal: Literal | null;
    try {
      literal = fieldLiteral(f);
      if (!literal) throw new Error("required");
    } catch (e) {
      field.value = { ...f, error: (e as Error).message };
      return;
    }
    void send(signalId, literal, "Value sent");
  };

  if (!props.waiting && !sent.value) return null;
  const controls = props.waiting && !sent.value;
  return (
    <section aria-labelledby="gate-heading" class="gate" id="gate">
      <h3 id="gate-heading">
        {props.waiting ? (
          <>
            <span aria-hidden="true">{phaseInfo("PAUSED").symbol}</span> Gate: {gateNeeds(gate, props.startedAt)}
          </>
        ) : (
          "Gate"
        )}
      </h3>
      {controls && gate.kind === "approve" && (
        <>
          <p>The node's inputs (below) pass on once approved; a rejection fails the node.</p>
          <div class="actions">
            <button type="button" class="primary" disabled={busy.value} onClick={() => send(gate.signalId, approval(true), "Approved")}>
              Approve
            </button>
            <button type="button" disabled={busy.value} onClick={() => send(gate.signalId, approval(false), "Rejected")}>
              Reject
            </button>
          </div>
        </>
      )}
      {controls && gate.kind === "signal" && field.value && (
        <form onSubmit={(e) => resume(e, gate.signalId)} noValidate>
          <p>
            The value ({typeText(gate.type)}) becomes the node's output <code>{gate.output}</code>.
          </p>
          <FieldRow idPrefix="signal-" field={field.value} update={(f) => (field.value = f)} uploadTo={props.id} />
          <div class="actions">
            <button type="submit" class="primary" disabled={busy.value}>
              Resume
            </button>
          </div>
        </form>
      )}
      {gate.kind === "sleep" && <p>It goes on by itself then: nothing to do.</p>}
      {sent.value && (
        <p role="status" class="gate-sent">
          {sent.value}: the execution goes on.
        </p>
      )}
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
    </section>
  );
}
