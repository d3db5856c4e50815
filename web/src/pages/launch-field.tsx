// One input field of a form generated from Flyte types (the launch form, a gate's signal value):
// a widget per LiteralType (launch-values.ts), its error next to it, and "Edit as literal JSON",
// the escape hatch for any type (and the only way for types without a widget of their own).
import { useSignal } from "@preact/signals";

import type { Parameter } from "../entity-api";
import { schemaFields } from "../json-schema";
import { fieldKind, literalToValue, parseLiteralJson, valueToLiteral, type FieldValue } from "../launch-values";
import type { Literal } from "../literals";
import { typeText, type LiteralType } from "../types";
import { folderUploads, uploadFiles, type UploadTarget } from "../upload";
import { StructInput } from "./struct-field";

export interface Field {
  name: string;
  type: LiteralType;
  required: boolean;
  hasDefault: boolean;
  note?: string; // where the value shown comes from, when not the default
  edited?: boolean; // typed in since the form opened: the note no longer says where it came from
  literalMode: boolean; // typed as literal JSON
  text: string;
  variant?: number; // a union's variant (the text is its value)
  initial?: Literal; // the literal shown, sent as it is until edited (a msgpack dataclass stays exact)
  error: string | null;
}

export function initialField(name: string, p: Parameter): Field {
  const type = p.var?.type ?? {};
  const kind = fieldKind(type);
  const field = { name, type, required: !!p.required, hasDefault: !!p.default, literalMode: kind === "literal", error: null };
  if (p.default) {
    try {
      return { ...field, ...literalToValue(type, p.default), initial: p.default };
    } catch {
      return { ...field, literalMode: true, text: JSON.stringify(p.default) }; // e.g. a msgpack dataclass
    }
  }
  return { ...field, ...emptyValue(type) };
}

// What a field of `type` shows before anything is typed: a union its first variant.
function emptyValue(type: LiteralType): FieldValue {
  const kind = fieldKind(type);
  if (kind === "union") return { variant: 0, text: emptyValue(type.union_type?.variants?.[0] ?? {}).text };
  return { text: kind === "bool" ? "false" : kind === "enum" ? (type.enum_type?.values?.[0] ?? "") : "" };
}

// The type whose widget a field shows: a union's chosen variant.
const shownType = (f: Field): LiteralType =>
  fieldKind(f.type) === "union" ? (f.type.union_type?.variants?.[f.variant ?? 0] ?? {}) : f.type;

// The literal a field gives, null to leave the input to the plan's default, or an error.
export function fieldLiteral(f: Field): Literal | null {
  if (f.literalMode) return parseLiteralJson(f.text);
  if (!f.edited && f.initial) return f.initial;
  const shown = shownType(f);
  if (f.text.trim() === "" && fieldKind(shown) !== "str" && shown.simple !== "NONE") {
    if (f.hasDefault && !f.required) return null;
    throw new Error("required");
  }
  return valueToLiteral(f.type, f);
}

const HINTS: Record<string, string> = {
  datetime: "ISO 8601, UTC unless a zone is given: 2026-11-29T10:00:00Z",
  duration: "90s, 1h30m or PT1H30M",
  json: "JSON: [1, 2] for a list, {\"key\": 1} for a map or a dataclass",
  file: "A path or URI the task can read, or upload one",
  dataset: "The dataset's URI (a parquet file or folder), or upload one",
  literal: 'A Flyte literal as JSON: {"scalar": {"primitive": {"integer": "1"}}}',
};

// The line under a field: how to type its kind, else where the value shown came from until it
// is edited, and what an input left empty then means.
export function fieldHint(f: Field): string {
  const kind = f.literalMode ? "literal" : fieldKind(shownType(f));
  if (kind === "json" && f.type.simple === "STRUCT" && schemaFields(f.type.metadata)) {
    return "A field per property (lists and dicts as JSON), or the whole value as JSON";
  }
  if (HINTS[kind]) return HINTS[kind];
  if (!f.edited) return f.note ?? (f.hasDefault ? "Default shown" : "");
  if (f.hasDefault && !f.required && kind !== "str" && f.text.trim() === "") return "Left empty: the plan's default";
  return "";
}

interface InputProps {
  type: LiteralType;
  literalMode: boolean;
  text: string;
  id: string;
  hintId: string;
  name: string; // the input's: names a widget the row's label does not (a union's value)
  label?: string;
  invalid: boolean;
  onText: (text: string) => void;
  uploadTo?: UploadTarget;
}

// A file, folder or dataset: its URI, or a file (a folder's files) uploaded to the sandbox.
function UriInput(props: InputProps & { common: Record<string, unknown> }) {
  const status = useSignal<{ text: string; error: boolean } | null>(null);
  const folder = props.type.blob?.dimensionality === "MULTIPART";
  const target = props.uploadTo;
  const upload = async (e: Event) => {
    const files = Array.from((e.target as HTMLInputElement).files ?? []);
    if (!target || files.length === 0) return;
    const what = folder ? `${files.length} files` : files[0].name;
    status.value = { text: `Uploading ${what}…`, error: false };
    try {
      const uploads = folder ? folderUploads(files) : [{ file: files[0], name: files[0].name }];
      props.onText(await uploadFiles(target, uploads, folder));
      status.value = { text: `Uploaded ${what}`, error: false };
    } catch (err) {
      status.value = { text: `Upload failed: ${(err as Error).message}`, error: true };
    }
  };
  // `webkitdirectory` (every browser's name for it) picks a folder: a DOM property, so a boolean.
  const picker = folder ? { webkitdirectory: true, multiple: true } : {};
  return (
    <div class="uri-field">
      <input {...props.common} value={props.text} onInput={(e) => props.onText((e.target as HTMLInputElement).value)} />
      {target && (
        <label class="upload">
          {folder ? "Upload a folder" : "Upload a file"}
          <input type="file" id={`${props.id}-upload`} onChange={upload} {...picker} />
        </label>
      )}
      {status.value && (
        <span role="status" class={status.value.error ? "field-error" : "muted"}>
          {status.value.text}
        </span>
      )}
    </div>
  );
}

function FieldInput(props: InputProps & { variant?: number; onVariant: (variant: number) => void }) {
  const id = props.id;
  const kind = props.literalMode ? "literal" : fieldKind(props.type);
  const common = {
    id,
    "aria-label": props.label,
    "aria-invalid": props.invalid ? ("true" as const) : undefined,
    "aria-describedby": props.hintId,
  };
  const onInput = (e: Event) => props.onText((e.target as HTMLInputElement).value);
  if (kind === "bool") {
    return (
      <input
        {...common}
        type="checkbox"
        checked={props.text === "true"}
        onChange={(e) => props.onText(String((e.target as HTMLInputElement).checked))}
      />
    );
  }
  if (kind === "enum") {
    return (
      <select {...common} value={props.text} onChange={onInput}>
        {(props.type.enum_type?.values ?? []).map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  }
  if (kind === "union") {
    // The label names the variant's select; the variant's own widget follows, named after it.
    const variants = props.type.union_type?.variants ?? [];
    const chosen = variants[props.variant ?? 0] ?? {};
    return (
      <div class="union-field">
        <select
          {...common}
          value={String(props.variant ?? 0)}
          onChange={(e) => props.onVariant(Number((e.target as HTMLSelectElement).value))}
        >
          {variants.map((v, i) => (
            <option key={i} value={String(i)}>
              {typeText(v)}
            </option>
          ))}
        </select>
        {chosen.simple !== "NONE" && (
          <FieldInput
            {...props}
            type={chosen}
            id={`${id}-value`}
            label={`${props.name} value`}
            variant={undefined}
            onVariant={() => undefined}
          />
        )}
      </div>
    );
  }
  if (kind === "file" || kind === "dataset") return <UriInput {...props} common={common} />;
  const fields = kind === "json" && props.type.simple === "STRUCT" ? schemaFields(props.type.metadata) : null;
  if (fields) {
    return (
      <StructInput
        fields={fields}
        text={props.text}
        id={id}
        name={props.name}
        hintId={props.hintId}
        invalid={props.invalid}
        onText={props.onText}
      />
    );
  }
  if (kind === "json" || kind === "literal") {
    return <textarea {...common} rows={3} class="code" value={props.text} onInput={onInput} />;
  }
  return <input {...common} inputMode={kind === "int" ? "numeric" : undefined} value={props.text} onInput={onInput} />;
}

// `idPrefix` keeps the ids of two forms apart: "launch-" + the input's name.
// `uploadTo`: where files, folders and datasets are uploaded (none: typed as URIs only).
export function FieldRow(props: { field: Field; update: (f: Field) => void; idPrefix: string; uploadTo?: UploadTarget }) {
  const f = props.field;
  const id = `${props.idPrefix}${f.name}`;
  // Switching to literal JSON shows the literal the field's value makes; back, its value if it can.
  const toggle = () => {
    let value: FieldValue = f.literalMode ? emptyValue(f.type) : { text: "{}" };
    try {
      if (f.literalMode) value = literalToValue(f.type, parseLiteralJson(f.text));
      else value = { text: JSON.stringify(valueToLiteral(f.type, f)) }; // as typed, not the default's wire form
    } catch {
      // not convertible: start afresh
    }
    props.update({ ...f, literalMode: !f.literalMode, ...value, error: null, edited: true });
  };
  const edit = (change: Partial<Field>) => props.update({ ...f, ...change, error: null, edited: true });
  return (
    <div class="launch-field" data-input={f.name}>
      <label for={id}>
        {f.name} <span class="type muted">{typeText(f.type)}</span>
        {f.required && <span class="muted"> (required)</span>}
      </label>
      <FieldInput
        type={f.type}
        literalMode={f.literalMode}
        text={f.text}
        variant={f.variant}
        id={id}
        hintId={`${id}-hint`}
        name={f.name}
        invalid={!!f.error}
        uploadTo={props.uploadTo}
        onText={(text) => edit({ text })}
        onVariant={(variant) => edit({ ...emptyValue(f.type.union_type?.variants?.[variant] ?? {}), variant })}
      />
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
