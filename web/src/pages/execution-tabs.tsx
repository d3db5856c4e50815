// The execution page's tabs — Nodes, Graph, Timeline — kept in `?tab=` (FlyteConsole's names,
// part of the route: routes.ts) so a tab survives reload and Back/Forward, and a node's side
// panel opened from a tab keeps it; `1`/`2`/`3` switch from anywhere on the page but a text
// field, ←/→ move between the tabs (WAI-ARIA tabs). Only the open tab is mounted: a closed
// Graph or Timeline polls nothing. A tab that throws shows the error in its place and leaves the
// page and the other tabs working (FlyteConsole's Timeline took the whole page down, flyte#3698).
import type { ComponentChildren } from "preact";
import { useEffect, useErrorBoundary, useRef } from "preact/hooks";

import { ErrorBanner } from "../components";
import { navigate } from "../navigation";
import type { TabName } from "../routes";

const TABS: { name: TabName; label: string }[] = [
  { name: "nodes", label: "Nodes" },
  { name: "graph", label: "Graph" },
  { name: "timeline", label: "Timeline" },
];

// A new history entry with the tab; the rest of the URL (an open panel) stays.
function open(tab: TabName, selected: TabName): void {
  if (tab === selected) return;
  const url = new URL(location.href);
  if (tab === "nodes") url.searchParams.delete("tab");
  else url.searchParams.set("tab", tab);
  navigate(url.pathname + url.search, false);
  document.getElementById(`tab-${tab}`)?.focus();
}

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

function Guarded(props: { children: () => ComponentChildren }) {
  const [error] = useErrorBoundary();
  if (error) return <ErrorBanner>This view failed: {String((error as Error).message ?? error)}</ErrorBanner>;
  return <>{props.children()}</>;
}

export function ExecutionTabs(props: Record<TabName, () => ComponentChildren> & { selected: TabName }) {
  const selected = props.selected;
  const shown = useRef(selected);
  shown.current = selected;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const i = Number(e.key) - 1;
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || !TABS[i]) return;
      open(TABS[i].name, shown.current);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  const move = (e: KeyboardEvent) => {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    const i = TABS.findIndex((t) => t.name === selected);
    open(TABS[(i + step + TABS.length) % TABS.length].name, selected);
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
            onClick={() => open(t.name, selected)}
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
