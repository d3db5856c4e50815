// The launch form (CONSOLE.md §4.4), in a dialog from a launch plan's page (or a workflow's, by
// its default launch plan), or from an execution's page to relaunch it with changes: one field
// per input of the plan, typed by its LiteralType, filled with the plan's default or the
// execution's value; every field can be edited as literal JSON instead (the escape hatch for
// types without a widget of their own). Launching opens the new execution.
import { useSignal, type Signal } from "@preact/signals";
import type { RefObject } from "preact";
import { useRef } from "preact/hooks";

import "../forms.css";

import type { ExecutionId } from "../api";
import { ErrorBanner } from "../components";
import { entityApi, type Entity } from "../entity-api";
import type { Literal, LiteralMap } from "../literals";
import { navigate } from "../navigation";
import { orderedEntries } from "../order";
import { routeHref } from "../routes";
import { fieldLiteral, FieldRow, initialField, type Field } from "./launch-field";

// The plan's inputs as fields, each filled with `values[name]` (an execution's inputs) if given,
// else with the plan's default.
export function launchFields(plan: Entity, values?: LiteralMap): Field[] {
  return orderedEntries(plan.closure?.expected_inputs?.parameters).map(([name, p]) => {
    const value = values?.literals?.[name];
    if (!value) return initialField(name, p);
    // Left empty, an input still falls back to the plan's own default (if it has one).
    return { ...initialField(name, { ...p, default: value }), hasDefault: !!p.default, note: "The execution's value" };
  });
}

function LaunchForm(props: { plan: Entity; fields: Signal<Field[]>; reference?: ExecutionId; close: () => void }) {
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
      const created = await entityApi.launch(props.plan.id, inputs, props.reference);
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
          uploadTo={props.plan.id}
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

// The dialog, opened by its owner (`dialog.current.showModal()`) once `plan` and `fields` are set.
// `reference`: the execution relaunched with changes (recorded as the new one's reference).
export function LaunchDialog(props: {
  dialog: RefObject<HTMLDialogElement | null>;
  plan: Entity | null;
  fields: Signal<Field[]>;
  title: string;
  reference?: ExecutionId;
}) {
  const close = () => props.dialog.current?.close();
  return (
    <dialog ref={props.dialog} aria-labelledby="launch-title" class="launch">
      <h2 id="launch-title">{props.title}</h2>
      {props.plan && (
        <>
          <p class="muted">
            Launch plan {props.plan.id.name} version <code>{props.plan.id.version}</code>
          </p>
          <LaunchForm plan={props.plan} fields={props.fields} reference={props.reference} close={close} />
        </>
      )}
    </dialog>
  );
}

export function LaunchButton(props: { plan: Entity }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const fields = useSignal<Field[]>([]);
  const open = () => {
    fields.value = launchFields(props.plan);
    dialog.current?.showModal();
  };
  return (
    <>
      <div class="actions">
        <button type="button" class="primary" onClick={open}>
          Launch…
        </button>
      </div>
      <LaunchDialog dialog={dialog} plan={props.plan} fields={fields} title={`Launch ${props.plan.id.name}`} />
    </>
  );
}
