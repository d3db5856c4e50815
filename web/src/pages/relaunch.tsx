// "Relaunch with changes…" (CONSOLE.md §4.3): the launch form of the execution's launch plan,
// filled with the execution's own inputs rather than the plan's defaults; the new execution
// names this one as its reference, as FlyteConsole's relaunch form does.
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";

import { api, type Execution } from "../api";
import { entityApi, type Entity } from "../entity-api";
import type { Field } from "./launch-field";
import { LaunchDialog, launchFields } from "./launch";

export function RelaunchWithChanges(props: { execution: Execution; onError: (message: string) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const plan = useSignal<Entity | null>(null);
  const fields = useSignal<Field[]>([]);
  const busy = useSignal(false);
  const { id, spec } = props.execution;
  const lp = spec.launch_plan;
  if (!lp?.version) return null; // a single task's execution has no plan to fill a form from
  const open = async () => {
    busy.value = true;
    try {
      const [p, data] = await Promise.all([
        entityApi.version("launch_plan", lp.project, lp.domain, lp.name, lp.version ?? ""),
        api.executionData(id),
      ]);
      plan.value = p;
      fields.value = launchFields(p, data.full_inputs);
      dialog.current?.showModal();
    } catch (e) {
      props.onError(`Could not open the launch form: ${(e as Error).message}`);
    } finally {
      busy.value = false;
    }
  };
  return (
    <>
      <button type="button" disabled={busy.value} onClick={open}>
        Relaunch with changes…
      </button>
      <LaunchDialog dialog={dialog} plan={plan.value} fields={fields} reference={id} title={`Relaunch ${id.name}`} />
    </>
  );
}
