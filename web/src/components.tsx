// Small pieces every page uses.
import type { ComponentChildren } from "preact";

import { formatTime, formatTimestamp, type TimeMode } from "./format";
import { phaseInfo } from "./phase";
import { clock, setTimeMode, timeMode } from "./time-mode";

export function PhaseBadge(props: { phase: string | undefined }) {
  const info = phaseInfo(props.phase);
  return (
    <span class={`phase phase-${info.tone}`} data-phase={props.phase ?? "UNDEFINED"}>
      <span aria-hidden="true">{info.symbol}</span> {info.label}
    </span>
  );
}

// A timestamp as the reader chose to see times (the header's switch); the exact UTC time on hover.
export function Time(props: { iso: string | undefined }) {
  if (!props.iso) return <span class="muted">—</span>;
  const mode = timeMode.value;
  return (
    <time dateTime={props.iso} title={formatTimestamp(props.iso)}>
      {formatTime(props.iso, mode, mode === "relative" ? clock.value : 0)}
    </time>
  );
}

// The header's switch between UTC, local and relative times.
export function TimeModeSwitch() {
  return (
    <label class="time-mode">
      Times{" "}
      <select value={timeMode.value} onChange={(e) => setTimeMode((e.target as HTMLSelectElement).value as TimeMode)}>
        <option value="utc">UTC</option>
        <option value="local">Local</option>
        <option value="relative">Relative</option>
      </select>
    </label>
  );
}

export function ErrorBanner(props: { children: ComponentChildren }) {
  return (
    <p class="banner banner-error" role="alert">
      {props.children}
    </p>
  );
}
