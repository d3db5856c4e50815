// One input field of a form generated from Flyte types (the launch form, a gate's signal value):
// a widget per LiteralType (launch-values.ts), its error next to it, and "Edit as literal JSON",
// the escape hatch for any type (and the only way for types without a widget of their own).
import type { Parameter } from "../entity-api";
import { fieldKind, literalToText, parseLiteralJson, textToLiteral } from "../launch-values";
import type { Literal } from "../literals";
import { typeText, type LiteralType } from "../types";

export interface Field {
  name: string;
  type: LiteralType;
  required: boolean;
  hasDefault: boolean;
  note?: string; // where the value shown comes from, when not the default
  edited?: boolean; // typed in since the form opened: the note no longer says where it came from
  literalMode: boolean; // typed as literal JSON
  text: string;
  error: string | null;
}

export function initialField(name: string, p: Parameter): Field {
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
export function fieldLiteral(f: Field): Literal | null {
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

// The line under a field: how to type its kind, else where the value shown came from until it
// is edited, and what an input left empty then means.
export function fieldHint(f: Field): string {
  const kind = f.literalMode ? "literal" : fieldKind(f.type);
  if (HINTS[kind]) return HINTS[kind];
  if (!f.edited) return f.note ?? (f.hasDefault ? "Default shown" : "");
  if (f.hasDefault && !f.required && kind !== "str" && f.text.trim() === "") return "Left empty: the plan's default";
  return "";
}

function FieldInput(props: { field: Field; id: string; onText: (text: string) => void }) {
  const f = props.field;
  const id = props.id;
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

// `idPrefix` keeps the ids of two forms apart: "launch-" + the input's name.
export function FieldRow(props: { field: Field; update: (f: Field) => void; idPrefix: string }) {
  const f = props.field;
  const id = `${props.idPrefix}${f.name}`;
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
  return (
    <div class="launch-field" data-input={f.name}>
      <label for={id}>
        {f.name} <span class="type muted">{typeText(f.type)}</span>
        {f.required && <span class="muted"> (required)</span>}
      </label>
      <FieldInput field={f} id={id} onText={(text) => props.update({ ...f, text, error: null, edited: true })} />
      <p class="hint" id={`${id}-hint`}>
        {f.error ? <span class="field-error">{f.error}</span> : fieldHint(f)}
      </p>
      {fieldKind(f.type) !== "literal" && (
        <button type="button" class="link-button" aria-pressed={f.literalMode} onClick={toggle}>
          {f.literalMode ? "Edit as a value" : "Edit as literal JSON"}
        </button>
      )}
    </div>
  );
}
