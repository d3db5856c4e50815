// A dataclass's or pydantic model's launch-form widget: one input per property of its JSON schema
// (json-schema.ts), nested dataclasses as their own group, lists and dicts as JSON; every edit
// writes the struct's JSON text, which stays the field's value (so it converts to and from the
// literal as before), and "Edit as JSON" shows that text whole.
import { useSignal } from "@preact/signals";

import { leafText, leafValue, withLeaf, type SchemaField } from "../json-schema";

interface Props {
  fields: SchemaField[];
  text: string;
  id: string;
  name: string;
  hintId: string;
  invalid: boolean;
  onText: (text: string) => void;
}

function parsed(text: string): Record<string, unknown> | null {
  if (text.trim() === "") return {};
  try {
    const v = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

function Leaves(p: { fields: SchemaField[]; value: Record<string, unknown>; path: string[]; props: Props; set: (path: string[], leaf: unknown) => void }) {
  return (
    <>
      {p.fields.map((f) => {
        const path = [...p.path, f.name];
        const id = `${p.props.id}-${path.join("-")}`;
        const label = `${p.props.name}.${path.join(".")}`;
        const v = p.value[f.name];
        // Named by its whole path and type ("p.origin.x int"): the visible label is the last part.
        const common = { id, "aria-label": `${label} ${f.kind === "json" ? "JSON" : f.kind}`, "aria-describedby": p.props.hintId };
        if (f.kind === "object") {
          const inner = typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
          return (
            <fieldset key={f.name} class="struct-group">
              <legend>{f.name}</legend>
              <Leaves fields={f.fields!} value={inner} path={path} props={p.props} set={p.set} />
            </fieldset>
          );
        }
        const onInput = (e: Event) => p.set(path, leafValue(f, (e.target as HTMLInputElement).value));
        let input;
        if (f.kind === "bool") {
          input = <input {...common} type="checkbox" checked={v === true} onChange={(e) => p.set(path, (e.target as HTMLInputElement).checked)} />;
        } else if (f.kind === "enum") {
          input = (
            <select {...common} value={leafText(f, v)} onChange={onInput}>
              {!f.required && <option value="">—</option>}
              {f.values!.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          );
        } else if (f.kind === "json") {
          input = <textarea {...common} rows={2} class="code" value={leafText(f, v)} onInput={onInput} />;
        } else {
          input = <input {...common} inputMode={f.kind === "int" ? "numeric" : undefined} value={leafText(f, v)} onInput={onInput} />;
        }
        return (
          <div key={f.name} class="struct-leaf">
            <label for={id}>
              {label.slice(p.props.name.length + 1)} <span class="muted type">{f.kind === "json" ? "JSON" : f.kind}</span>
              {f.required && <span class="muted"> (required)</span>}
            </label>
            {input}
          </div>
        );
      })}
    </>
  );
}

export function StructInput(props: Props) {
  const raw = useSignal(false);
  const value = parsed(props.text);
  const whole = raw.value || value === null; // text that is not an object is mended as JSON
  return (
    <div class="struct-field" role="group" aria-label={props.name}>
      {whole ? (
        <textarea
          id={props.id}
          rows={4}
          class="code"
          aria-invalid={props.invalid ? "true" : undefined}
          aria-describedby={props.hintId}
          value={props.text}
          onInput={(e) => props.onText((e.target as HTMLTextAreaElement).value)}
        />
      ) : (
        <Leaves
          fields={props.fields}
          value={value}
          path={[]}
          props={props}
          set={(path, leaf) => props.onText(JSON.stringify(withLeaf(value, path, leaf)))}
        />
      )}
      <button type="button" class="link-button" aria-pressed={raw.value} onClick={() => (raw.value = !raw.value)} disabled={value === null}>
        {whole ? "Edit as fields" : "Edit as JSON"}
      </button>
    </div>
  );
}
