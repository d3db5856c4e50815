// A task's log inline: read through LogTail every second while the attempt runs (once more when
// it has ended, for the last lines), kept scrolled to the end while "Follow the end" is on;
// scrolling up turns it off, scrolling back to the end on again. Logs elsewhere (not under /logs/) are links.
import { useSignal } from "@preact/signals";
import { useLayoutEffect, useRef } from "preact/hooks";

import type { TaskLog } from "./api";
import { authHeaders } from "./auth";
import { useLivePolling } from "./live";
import { LogTail, logPath } from "./log-tail";

function InlineLog(props: { name: string; path: string; live: boolean; paused: boolean }) {
  const tail = useRef<LogTail | null>(null);
  if (tail.current === null) tail.current = new LogTail(props.path);
  const version = useSignal(0); // bumped when new text arrived
  const error = useSignal<string | null>(null);
  const follow = useSignal(true);
  const pre = useRef<HTMLPreElement>(null);
  const live = useRef(props.live);
  live.current = props.live;
  useLivePolling(
    async (current) => {
      // With auth on, /logs wants the session's token like the gateway does.
      const changed = await tail.current!.poll((url, init) =>
        fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), ...authHeaders() } }),
      );
      // Text read by a loop that was replaced meanwhile (the attempt ended while it read) is
      // in the tail all the same: show it, or the next loop's read finds nothing new and the
      // last lines stay unseen.
      if (changed) version.value++;
      if (!current()) return false;
      error.value = null;
      return live.current;
    },
    null,
    (e) => (error.value = `Could not read the log: ${(e as Error).message}`),
    `${props.path}|${props.live}`, // restarts once the attempt ends: one more read, then stops
    props.paused,
  );
  useLayoutEffect(() => {
    if (follow.value && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [version.value, follow.value]);
  const t = tail.current;
  void version.value; // re-render on new text
  return (
    <div class="log">
      <div class="log-bar">
        <span>{props.name}</span>
        <label>
          <input
            type="checkbox"
            checked={follow.value}
            onChange={(e) => (follow.value = (e.currentTarget as HTMLInputElement).checked)}
          />{" "}
          Follow the end
        </label>
        <a href={props.path} target="_blank" rel="noopener">
          Raw
        </a>
        <span class="muted" aria-live="polite">
          {props.live ? (props.paused ? "paused" : "following") : "ended"}
        </span>
      </div>
      {error.value && <p class="node-error">{error.value}</p>}
      <pre
        class="log-text"
        ref={pre}
        tabIndex={0}
        aria-label={`Log ${props.name}`}
        onScroll={(e) => {
          const el = e.currentTarget as HTMLPreElement;
          follow.value = el.scrollHeight - el.scrollTop - el.clientHeight < 4;
        }}
      >
        {t.dropped > 0 && <span class="muted">… {t.dropped} earlier lines not shown{"\n"}</span>}
        {t.text || <span class="muted">{props.live ? "Nothing printed yet." : "Empty."}</span>}
      </pre>
    </div>
  );
}

export function TaskLogs(props: { logs: TaskLog[]; live: boolean; paused: boolean }) {
  if (props.logs.length === 0) return <p class="muted">No logs for this attempt.</p>;
  return (
    <>
      {props.logs.map((log, i) => {
        const path = log.uri ? logPath(log.uri) : null;
        const name = log.name || `log ${i + 1}`;
        if (path) return <InlineLog key={path} name={name} path={path} live={props.live} paused={props.paused} />;
        return (
          <p key={i}>
            <a href={log.uri} target="_blank" rel="noopener noreferrer">
              {name}
            </a>
          </p>
        );
      })}
    </>
  );
}
