// The Nodes tab: a tree grid of node executions (src/node-tree.ts). A parent row expands to its
// children, fetched when expanded (`?uniqueParentId=`) and kept fresh while the execution runs;
// a map row to its items by index. Each task node's attempts are fetched once it has ended (and
// every poll while it runs), at most ATTEMPT_READS_PER_POLL a poll so a large execution does not
// set off a storm of requests. A row's link or a click on it opens the node's side panel.
// A long table draws only the rows near the viewport (`use-row-window.ts`), so a 1,000-node
// execution opens as fast as a small one; ↓/↑ (j/k) move between rows, ←/→ (h/l, PageUp/Down)
// a page, Home/End, Enter opens the row's panel and x expands or collapses it; "Find node"
// filters the rows, since the browser's find-in-page sees only the rows drawn.
import { useSignal } from "@preact/signals";
import { Component } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";

import { api, type CompiledNode, type ExecutionId, type NodeExecution, type TaskExecution, type Workflow } from "../api";
import { PhaseBadge } from "../components";
import { errorSummary } from "../format";
import { shownPhase } from "../gates";
import { useLivePolling } from "../live";
import { Link, navigate } from "../navigation";
import { sameRow, treeRows, type TreeRow, type TreeState } from "../node-tree";
import { isTerminal, phaseInfo } from "../phase";
import { routeHref, type Route } from "../routes";
import { StartAndDuration } from "./duration";
import { useRowWindow } from "./use-row-window";

const ATTEMPT_READS_PER_POLL = 20;

// The rows whose node id, kind or phase holds `text` (any case).
function findRows(rows: TreeRow[], text: string): TreeRow[] {
  const q = text.trim().toLowerCase();
  if (!q) return rows;
  const phase = (r: TreeRow) => phaseInfo(shownPhase(r.execution?.closure.phase ?? r.item?.phase, r.kind === "gate")).label;
  return rows.filter((r) => `${r.nodeId} ${r.kind} ${phase(r)}`.toLowerCase().includes(q));
}

// Nodes whose attempts are worth reading now: unknown yet, or still changing.
function attemptsToRead(rows: TreeRow[], attempts: Map<string, TaskExecution[]>): string[] {
  return rows
    .filter((r) => r.execution && (r.kind === "task" || r.kind === "map" || r.kind === "dynamic" || r.kind === "node"))
    .filter((r) => {
      const known = attempts.get(r.nodeId);
      if (!known) return true;
      const last = known[known.length - 1];
      return !isTerminal(r.execution!.closure.phase) || (last !== undefined && !isTerminal(last.closure.phase));
    })
    .filter((r) => r.execution!.closure.phase !== "QUEUED" && r.execution!.closure.phase !== "UNDEFINED")
    .map((r) => r.nodeId);
}

interface RowProps {
  row: TreeRow;
  id: ExecutionId;
  now: number;
  onToggle: (nodeId: string) => void; // reads the expanded set when called: an older one does
}

// Drawn again only when what it shows changed, or the clock moved for a node still running.
class RowCells extends Component<RowProps> {
  shouldComponentUpdate(next: RowProps): boolean {
    const { id, row, now } = this.props;
    const still = !row.execution || isTerminal(row.execution.closure.phase);
    return !(id.name === next.id.name && sameRow(row, next.row) && (now === next.now || still));
  }

  render() {
    return <RowCellsOf {...this.props} />;
  }
}

function RowCellsOf(props: RowProps) {
  const { row } = props;
  const c = row.execution?.closure;
  const to: Route = { page: "execution", ...props.id, node: row.nodeId };
  const log = row.item?.logs?.[0]?.uri;
  return (
    <>
      <th scope="row" class={`depth-${Math.min(row.depth, 6)}`}>
        {row.expandable ? (
          <button
            type="button"
            class="toggle"
            aria-expanded={row.expanded}
            aria-label={`${row.expanded ? "Collapse" : "Expand"} ${row.nodeId}`}
            onClick={() => props.onToggle(row.nodeId)}
          >
            {row.expanded ? "▾" : "▸"}
          </button>
        ) : (
          <span class="toggle-space" />
        )}
        {row.kind === "map item" ? (
          <span>[{row.item?.index ?? 0}]</span>
        ) : (
          <Link to={to} scroll={false}>
            {row.nodeId}
          </Link>
        )}
      </th>
      <td>
        {row.runs} <span class="muted kind">{row.kind}</span>
        {row.childExecution && (
          <div>
            <Link to={{ page: "execution", ...row.childExecution }}>child execution {row.childExecution.name}</Link>
          </div>
        )}
        {row.counts && <div class="counts">{row.counts}</div>}
        {log && (
          <div>
            <a href={new URL(log, location.href).pathname} target="_blank" rel="noopener">
              log
            </a>
          </div>
        )}
      </td>
      <td>
        <PhaseBadge phase={shownPhase(c?.phase ?? row.item?.phase, row.kind === "gate")} />
        {c?.error?.message && <div class="node-error">{errorSummary(c.error.message)}</div>}
      </td>
      <td class="cache">{row.cache}</td>
      <td>{row.attempts ?? ""}</td>
      {c ? (
        <StartAndDuration progress={c} now={props.now} />
      ) : (
        <>
          <td />
          <td />
        </>
      )}
    </>
  );
}

export function NodesTab(props: {
  id: ExecutionId;
  nodes: NodeExecution[] | null;
  workflow: Workflow | null;
  now: number;
  selected: string | undefined;
  live: boolean;
  paused: boolean;
}) {
  const children = useSignal(new Map<string, NodeExecution[]>());
  const attempts = useSignal(new Map<string, TaskExecution[]>());
  const generated = useSignal(new Map<string, CompiledNode[]>());
  const expanded = useSignal(new Set<string>());
  const state: TreeState = {
    children: children.value,
    attempts: attempts.value,
    generated: generated.value,
    expanded: expanded.value,
  };
  const rows = props.nodes ? treeRows(props.nodes, props.workflow, state) : [];
  const current = useRef({ rows, live: props.live });
  current.current = { rows, live: props.live };

  useLivePolling(
    async (mounted) => {
      const { rows: shown, live } = current.current;
      const parents = shown.filter((r) => r.expanded && r.kind !== "map").map((r) => r.nodeId);
      const readChildren = parents.filter((p) => live || !children.value.has(p));
      const readAttempts = attemptsToRead(shown, attempts.value);
      // A dynamic node's generated workflow, once it has one (it is there once the node ran).
      const readGenerated = shown
        .filter((r) => r.expanded && r.kind === "dynamic" && !generated.value.has(r.nodeId))
        .filter((r) => (children.value.get(r.nodeId)?.length ?? 0) > 0)
        .map((r) => r.nodeId);
      const [kids, tries, made] = await Promise.all([
        Promise.all(readChildren.map((p) => api.nodeExecutions(props.id, p))),
        Promise.all(readAttempts.slice(0, ATTEMPT_READS_PER_POLL).map((n) => api.taskExecutions(props.id, n))),
        Promise.all(readGenerated.map((n) => api.nodeData(props.id, n))),
      ]);
      if (!mounted()) return false;
      if (made.length) {
        const next = new Map(generated.value);
        readGenerated.forEach((n, i) => next.set(n, made[i].dynamic_workflow?.compiled_workflow?.primary?.template?.nodes ?? []));
        generated.value = next;
      }
      if (kids.length) {
        const next = new Map(children.value);
        readChildren.forEach((p, i) => next.set(p, kids[i].node_executions ?? []));
        children.value = next;
      }
      if (tries.length) {
        const next = new Map(attempts.value);
        readAttempts.slice(0, tries.length).forEach((n, i) => {
          const list = tries[i].task_executions ?? [];
          next.set(n, list.sort((a, b) => (a.id.retry_attempt ?? 0) - (b.id.retry_attempt ?? 0)));
        });
        attempts.value = next;
      }
      // Once more after anything new was shown: its attempts and names are read on the next poll.
      return live || readAttempts.length > ATTEMPT_READS_PER_POLL || kids.length > 0 || made.length > 0;
    },
    null,
    () => undefined, // the page's own poll reports a sandbox that does not answer
    `${props.id.name}|${props.live}|${[...expanded.value].join(",")}|${props.nodes?.length ?? 0}`,
    props.paused,
  );

  const toggle = (nodeId: string) => {
    const next = new Set(expanded.value);
    if (!next.delete(nodeId)) next.add(nodeId);
    expanded.value = next;
  };

  const find = useSignal("");
  const shown = findRows(rows, find.value);
  const body = useRef<HTMLTableSectionElement | null>(null);
  const rowWindow = useRowWindow(
    shown.map((r) => r.key),
    body,
  );
  const { start, end, before, after } = rowWindow.window;
  const focusWanted = useRef<number | null>(null); // a row moved to that was not drawn yet
  const focusRow = (index: number) => body.current?.querySelector<HTMLElement>(`tr[data-index="${index}"]`);
  useLayoutEffect(() => {
    const wanted = focusWanted.current;
    if (wanted === null) return;
    const row = focusRow(wanted);
    if (row) {
      focusWanted.current = null;
      row.focus();
    }
  });
  const open = (row: TreeRow) => navigate(routeHref({ page: "execution", ...props.id, node: row.nodeId }), false);
  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    const tr = target.closest<HTMLElement>("tr[data-index]");
    if (!tr || event.altKey || event.ctrlKey || event.metaKey) return;
    const index = Number(tr.dataset.index);
    const page = rowWindow.rowsPerPage;
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      j: index + 1,
      ArrowUp: index - 1,
      k: index - 1,
      ArrowRight: index + page,
      l: index + page,
      PageDown: index + page,
      ArrowLeft: index - page,
      h: index - page,
      PageUp: index - page,
      Home: 0,
      End: shown.length - 1,
    };
    const row = shown[index];
    if (event.key in moves) {
      event.preventDefault();
      const to = Math.max(0, Math.min(shown.length - 1, moves[event.key]));
      const drawn = focusRow(to);
      if (drawn) drawn.focus();
      else {
        focusWanted.current = to;
        rowWindow.scrollToRow(to);
      }
    } else if (event.key === "Enter" && target === tr && row.kind !== "map item") {
      event.preventDefault();
      open(row);
    } else if (event.key === "x" && row.expandable) {
      event.preventDefault();
      toggle(row.nodeId);
    }
  };

  if (props.nodes === null) return <p class="muted">Loading nodes…</p>;
  if (rows.length === 0) return <p class="muted">No node has started yet.</p>;
  return (
    <>
      {(rowWindow.windowed || find.value) && (
        <p class="find-nodes">
          <label>
            Find node{" "}
            <input type="search" value={find.value} onInput={(e) => (find.value = (e.target as HTMLInputElement).value)} />
          </label>{" "}
          <span class="muted" aria-live="polite">
            {find.value.trim() ? `${shown.length} of ${rows.length} rows` : `${rows.length} rows`}
          </span>
        </p>
      )}
      <table class={rowWindow.windowed ? "grid windowed" : "grid"} id="nodes" aria-rowcount={shown.length + 1} onKeyDown={onKeyDown}>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col">Node</th>
            <th scope="col">Runs</th>
            <th scope="col">Phase</th>
            <th scope="col">Cache</th>
            <th scope="col">Attempts</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody ref={body}>
          {before > 0 && (
            <tr aria-hidden="true" class="spacer" style={{ height: `${before}px` }}>
              <td colSpan={7} />
            </tr>
          )}
          {shown.slice(start, end).map((row, i) => (
            <tr
              key={row.key}
              data-node={row.key}
              data-kind={row.kind}
              data-index={start + i}
              aria-rowindex={start + i + 2}
              tabIndex={-1}
              class={row.kind === "map item" ? undefined : "clickable"}
              aria-current={row.kind !== "map item" && row.nodeId === props.selected ? "true" : undefined}
              onClick={(event) => {
                // The whole row opens the panel; the links and buttons in it do their own thing.
                if (row.kind === "map item" || (event.target as HTMLElement).closest("a, button, summary")) return;
                open(row);
              }}
            >
              <RowCells row={row} id={props.id} now={props.now} onToggle={toggle} />
            </tr>
          ))}
          {after > 0 && (
            <tr aria-hidden="true" class="spacer" style={{ height: `${after}px` }}>
              <td colSpan={7} />
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
