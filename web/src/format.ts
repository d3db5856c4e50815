// Times and durations as the gateway sends them (RFC 3339 timestamps, proto3 JSON durations
// such as "1.500s") and as people read them.

// "1.500s" → 1500 ms; null for anything else.
export function parseDurationMs(text: string | undefined): number | null {
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(text ?? "");
  return match ? Math.round(Number(match[1]) * 1000) : null;
}

// 950 → "950ms", 12_300 → "12.3s", 80_000 → "1m 20s", 3_725_000 → "1h 2m 5s".
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${m}m ${s}s` : `${m}m ${s}s`;
}

// How long something has run: its recorded duration once ended, else the time since it started.
export function elapsedMs(
  startedAt: string | undefined,
  duration: string | undefined,
  terminal: boolean,
  now: number,
): number | null {
  const recorded = parseDurationMs(duration);
  if (terminal || (recorded !== null && recorded > 0 && !startedAt)) return recorded;
  const started = startedAt ? Date.parse(startedAt) : NaN;
  return Number.isNaN(started) ? null : Math.max(0, now - started);
}

// An absolute time in UTC, to the second: "2026-11-29 07:05:03 UTC".
export function formatTimestamp(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z").replace("Z", " UTC");
}

// An error message's last non-blank line: where Python names the exception after its trace.
export function errorSummary(message: string): string {
  const lines = message.split("\n").filter((l) => l.trim() !== "");
  return lines.length ? lines[lines.length - 1].trim() : "";
}

// How times are shown (the header's switch): UTC (the default, as the gateway sends them), the
// reader's own zone, or relative to now.
export type TimeMode = "utc" | "local" | "relative";

const pad = (n: number) => String(n).padStart(2, "0");

// "2026-11-29 08:05:03 GMT+1" in the reader's zone (named as their system names it).
function localTimestamp(date: Date): string {
  const zone =
    new Intl.DateTimeFormat(undefined, { timeZoneName: "short" }).formatToParts(date).find((p) => p.type === "timeZoneName")
      ?.value ?? "";
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ${zone}`.trim();
}

// "12 s ago", "5 min ago", "3 h ago", "2 days ago"; "in 5 min" for a time still ahead.
function relativeTime(ms: number, now: number): string {
  const seconds = Math.round((now - ms) / 1000);
  const size = Math.abs(seconds);
  const text =
    size < 60
      ? `${size} s`
      : size < 3600
        ? `${Math.floor(size / 60)} min`
        : size < 86_400
          ? `${Math.floor(size / 3600)} h`
          : `${Math.floor(size / 86_400)} day${size < 172_800 ? "" : "s"}`;
  return seconds < 0 ? `in ${text}` : `${text} ago`;
}

// A timestamp as the mode shows it ("" for none; the text itself when it is not a time).
export function formatTime(iso: string | undefined, mode: TimeMode, now: number): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (mode === "local") return localTimestamp(date);
  if (mode === "relative") return relativeTime(date.getTime(), now);
  return formatTimestamp(iso);
}
