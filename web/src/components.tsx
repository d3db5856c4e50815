// Small pieces every page uses.
import type { ComponentChildren } from "preact";

import { phaseInfo } from "./phase";

export function PhaseBadge(props: { phase: string | undefined }) {
  const info = phaseInfo(props.phase);
  return (
    <span class={`phase phase-${info.tone}`} data-phase={props.phase ?? "UNDEFINED"}>
      <span aria-hidden="true">{info.symbol}</span> {info.label}
    </span>
  );
}

export function Time(props: { iso: string | undefined; text: string }) {
  if (!props.iso) return <span class="muted">—</span>;
  return (
    <time dateTime={props.iso} title={props.iso}>
      {props.text}
    </time>
  );
}

export function ErrorBanner(props: { children: ComponentChildren }) {
  return (
    <p class="banner banner-error" role="alert">
      {props.children}
    </p>
  );
}
