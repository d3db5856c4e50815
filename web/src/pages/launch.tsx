// The launch form (CONSOLE.md §4.4), in a dialog from a launch plan's page (or a workflow's, by
// its default launch plan): one field per input of the plan, typed by its LiteralType, filled
// with the plan's default; every field can be edited as literal JSON instead (the escape
// hatch for types without a widget of their own). Launching opens the new execution.
import { useSignal, type Signal } from "@preact/signals";
import { useRef } from "preact/hooks";

import "../forms.css";

import { ErrorBanner } from "../components";
import { entityApi, type Entity, type Parameter } from "../entity-api";
import { fieldKind, literalToText, parseLiteralJson, textToLiteral } from "../launch-values";
import type { Literal } from "../literals";
import { navigate } from "../navigation";
import { orderedEntries } from "../order";
import { routeHref } from "../routes";
import { typeText, type LiteralType } from "../types";

interface Field {
  name: string;
  type: LiteralType;
  required: boolean;
  hasDefault: boolean;
  literalMode: boolean; // typed as literal JSON
  text: string;
  error: string | null;
}

function initialField(name: string, p: Parameter): Field {
  const type = p.var?.type ?? {};
  const kind = fieldKind(type);
  const field = { name, type, required: !!p.required, hasDefault: !!p.default, literalMode: kind === "literal", error: null };
  if (p.default) {
    try {
      return { ...field, text: literalToText(type, p.default) };
    } catch {
      return { ...field, literalMode: true, text: JSON.stringify(p.default) }; // e.g. a msgpack dataclass
    }
  }
  const text = kind === "bool" ? "false" : kind === "enum" ? (type.enum_type?.values?.[0] ?? "") : "";
  return { ...field, text };
}

// The literal a field gives, null to leave the input to the plan's default, or an error.
function fieldLiteral(f: Field): Literal | null {
  if (f.literalMode) return parseLiteralJson(f.text);
  if (f.text.trim() === "" && fieldKind(f.type) !== "str") {
    if (f.hasDefault && !f.required) return null;
    throw new Error("required");
  }
  return textToLiteral(f.type, f.text);
}

const HINTS: Record<string, string> = {
  datetime: "ISO 8601, UTC unless a zone is given: 2026-11-29T10:00:00Z",
  duration: "90s, 1h30m or PT1H30M",
  json: "JSON: [1, 2] for a list, {\"key\": 1} for a map",
  literal: 'A Flyte literal as JSON: {"scalar": {"primitive": {"integer": "1"}}}',
};

function FieldInput(props: { field: Field; onText: (text: string) => void }) {
  const f = props.field;
  const id = `launch-${f.name}`;
  const kind = f.literalMode ? "literal" : fieldKind(f.type);
  const common = {
    id,
    "aria-invalid": f.error ? ("true" as const) : undefined,
    "aria-describedby": `${id}-hint`,
  };
  const onInput = (e: Event) => props.onText((e.target as HTMLInputElement).value);
  if (kind === "bool") {
    return (
      <input
        {...common}
        type="checkbox"
        checked={f.text === "true"}
        onChange={(e) => props.onText(String((e.target as HTMLInputElement).checked))}
      />
    );
  }
  if (kind === "enum") {
    return (
      <select {...common} value={f.text} onChange={onInput}>
        {(f.type.enum_type?.values ?? []).map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  }
  if (kind === "json" || kind === "literal") {
    return <textarea {...common} rows={3} class="code" value={f.text} onInput={onInput} />;
  }
  return <input {...common} inputMode={kind === "int" ? "numeric" : undefined} value={f.text} onInput={onInput} />;
}

function FieldRow(props: { field: Field; update: (f: Field) => void }) {
  const f = props.field;
  const id = `launch-${f.name}`;
  // Switching to literal JSON shows the literal the field now makes; back, its value if it can.
  const toggle = () => {
    let text = f.literalMode ? "" : "{}";
    try {
      if (f.literalMode) text = literalToText(f.type, parseLiteralJson(f.text));
      else text = JSON.stringify(fieldLiteral(f) ?? {});
    } catch {
      // not convertible: start afresh
    }
    props.update({ ...f, literalMode: !f.literalMode, text, error: null });
  };
  const kind = f.literalMode ? "literal" : fieldKind(f.type);
  return (
    <div class="launch-field" data-input={f.name}>
      <label for={id}>
        {f.name} <span class="type muted">{typeText(f.type)}</span>
        {f.required && <span class="muted"> (required)</span>}
      </label>
      <FieldInput field={f} onText={(text) => props.update({ ...f, text, error: null })} />
      <p class="hint" id={`${id}-hint`}>
        {f.error ? <span class="field-error">{f.error}</span> : HINTS[kind] ?? (f.hasDefault ? "Default shown" : "")}
      </p>
      {fieldKind(f.type) !== "literal" && (
        <button type="button" class="link-button" aria-pressed={f.literalMode} onClick={toggle}>
          {f.literalMode ? "Edit as a value" : "Edit as literal JSON"}
        </button>
      )}
    </div>
  );
}

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
