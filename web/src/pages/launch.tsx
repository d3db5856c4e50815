// The launch form (CONSOLE.md §4.4), in a dialog from a launch plan's page (or a workflow's, by
// its default launch plan): one field per input of the plan, typed by its LiteralType, filled
// with the plan's default; every field can be edited as literal JSON instead (the escape
// hatch for types without a widget of their own). Launching opens the new execution.
import { useSignal, type Signal } from "@preact/signals";
import { useRef } from "preact/hooks";

import "../forms.css";

import { ErrorBanner } from "../components";
import { entityApi, type Entity } from "../entity-api";
import type { Literal } from "../literals";
import { navigate } from "../navigation";
import { orderedEntries } from "../order";
import { routeHref } from "../routes";
import { fieldLiteral, FieldRow, initialField, type Field } from "./launch-field";

function LaunchForm(props: { plan: Entity; fields: Signal<Field[]>; close: () => void }) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const inputs: Record<string, Literal> = {};
    const checked = props.fields.value.map((f) => {
      try {
        const literal = fieldLiteral(f);
        if (literal) inputs[f.name] = literal;
        return { ...f, error: null };
      } catch (e) {
        return { ...f, error: (e as Error).message };
      }
    });
    props.fields.value = checked;
    const wrong = checked.filter((f) => f.error);
    if (wrong.length > 0) {
      error.value = `Check ${wrong.map((f) => f.name).join(", ")}.`;
      return;
    }
    busy.value = true;
    error.value = null;
    try {
      const created = await entityApi.launch(props.plan.id, inputs);
      props.close();
      navigate(routeHref({ page: "execution", ...created.id }));
    } catch (e) {
      error.value = `Could not launch: ${(e as Error).message}`;
    } finally {
      busy.value = false;
    }
  };
  const fields = props.fields.value;
  return (
    <form onSubmit={submit} noValidate>
      {fields.length === 0 && <p>This launch plan takes no inputs.</p>}
      {fields.map((f, i) => (
        <FieldRow
          key={f.name}
          idPrefix="launch-"
          field={f}
          update={(next) => (props.fields.value = fields.map((old, j) => (j === i ? next : old)))}
        />
      ))}
      {error.value && <ErrorBanner>{error.value}</ErrorBanner>}
      <div class="actions">
        <button type="button" onClick={props.close}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={busy.value}>
          Launch
        </button>
      </div>
    </form>
  );
}

export function LaunchButton(props: { plan: Entity }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const fields = useSignal<Field[]>([]);
  const open = () => {
    fields.value = orderedEntries(props.plan.closure?.expected_inputs?.parameters).map(([name, p]) => initialField(name, p));
    dialog.current?.showModal();
  };
  const { name, version } = props.plan.id;
  return (
    <>
      <div class="actions">
        <button type="button" class="primary" onClick={open}>
          Launch…
        </button>
      </div>
      <dialog ref={dialog} aria-labelledby="launch-title" class="launch">
        <h2 id="launch-title">Launch {name}</h2>
        <p class="muted">
          Launch plan version <code>{version}</code>
        </p>
        <LaunchForm plan={props.plan} fields={fields} close={() => dialog.current?.close()} />
      </dialog>
    </>
  );
}
