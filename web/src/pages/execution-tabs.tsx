// The execution page's tabs — Nodes, Graph, Timeline — kept in `?tab=` (FlyteConsole's names) so
// a tab survives reload and Back/Forward; `1`/`2`/`3` switch from anywhere on the page but a
// text field, ←/→ move between the tabs (WAI-ARIA tabs). Only the open tab is mounted: a closed
// Graph or Timeline polls nothing. A tab that throws shows the error in its place and leaves the
// page and the other tabs working (FlyteConsole's Timeline took the whole page down, flyte#3698).
import { signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useErrorBoundary } from "preact/hooks";

import { ErrorBanner } from "../components";

export type TabName = "nodes" | "graph" | "timeline";
const TABS: { name: TabName; label: string }[] = [
  { name: "nodes", label: "Nodes" },
  { name: "graph", label: "Graph" },
  { name: "timeline", label: "Timeline" },
];

function fromUrl(): TabName {
  const tab = new URLSearchParams(location.search).get("tab");
  return TABS.find((t) => t.name === tab)?.name ?? "nodes";
}

const current = signal<TabName>(fromUrl());
addEventListener("popstate", () => (current.value = fromUrl()));

function open(tab: TabName): void {
  if (tab === current.value) return;
  const url = new URL(location.href);
  if (tab === "nodes") url.searchParams.delete("tab");
  else url.searchParams.set("tab", tab);
  history.pushState(null, "", url);
  current.value = tab;
  document.getElementById(`tab-${tab}`)?.focus();
}

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

function Guarded(props: { children: () => ComponentChildren }) {
  const [error] = useErrorBoundary();
  if (error) return <ErrorBanner>This view failed: {String((error as Error).message ?? error)}</ErrorBanner>;
  return <>{props.children()}</>;
}

export function ExecutionTabs(props: Record<TabName, () => ComponentChildren>) {
  useEffect(() => {
    current.value = fromUrl(); // opened by a link from another page
    const onKey = (e: KeyboardEvent) => {
      const i = Number(e.key) - 1;
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || !TABS[i]) return;
      open(TABS[i].name);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  const selected = current.value;
  const move = (e: KeyboardEvent) => {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    const i = TABS.findIndex((t) => t.name === selected);
    open(TABS[(i + step + TABS.length) % TABS.length].name);
  };
  return (
    <section class="tabs">
      <div role="tablist" aria-label="Execution views" onKeyDown={move}>
        {TABS.map((t) => (
          <button
            key={t.name}
            type="button"
            role="tab"
            id={`tab-${t.name}`}
            aria-selected={t.name === selected}
            aria-controls="tab-panel"
            tabIndex={t.name === selected ? 0 : -1}
            onClick={() => open(t.name)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="tab-panel" aria-labelledby={`tab-${selected}`} data-tab={selected}>
        <Guarded key={selected}>{props[selected]}</Guarded>
      </div>
    </section>
  );
}
