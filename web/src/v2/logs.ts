// An attempt's log through DataProxyService/TailLogs, a Connect server stream read with fetch's
// body reader: the request and each message are 5-byte envelopes ([flags][length u32 BE][JSON]),
// the last one (flag 2) ends the stream, `{}` or `{"error": {code, message}}`. Each message is
// a TailLogsResponse, `{logs: [{lines: [{timestamp, message, originator}]}]}`. A sandbox that does
// not serve TailLogs answers `unimplemented` (or 404): tailLogs rejects with LogsUnavailable.
import { replyOf } from "../api";
import { authHeaders } from "../auth";
import type { ActionId } from "./api";

export interface LogLine {
  timestamp?: string;
  message?: string;
  originator?: string;
}

export class LogsUnavailable extends Error {}

const END_STREAM = 2;

// The whole envelopes at the start of `bytes`, and what is left of an envelope not yet complete.
export function splitEnvelopes(bytes: Uint8Array): { frames: { flags: number; json: unknown }[]; rest: Uint8Array } {
  const frames: { flags: number; json: unknown }[] = [];
  const decoder = new TextDecoder();
  let at = 0;
  while (bytes.length - at >= 5) {
    const length = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4).getUint32(0);
    if (bytes.length - at - 5 < length) break;
    const payload = bytes.subarray(at + 5, at + 5 + length);
    frames.push({ flags: bytes[at], json: length ? JSON.parse(decoder.decode(payload)) : {} });
    at += 5 + length;
  }
  return { frames, rest: bytes.slice(at) };
}

function envelope(message: unknown): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(message));
  const out = new Uint8Array(5 + json.length);
  new DataView(out.buffer).setUint32(1, json.length);
  out.set(json, 5);
  return out;
}

const unavailable = (code: string | undefined) => code === "unimplemented" || code === "not_found";

// Calls `onLines` with each batch of lines until the stream ends (the attempt's last line
// written) or `signal` aborts it.
export async function tailLogs(
  id: ActionId,
  attempt: number,
  onLines: (lines: LogLine[]) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch("/flyteidl2.dataproxy.DataProxyService/TailLogs", {
    method: "POST",
    headers: { "Content-Type": "application/connect+json", "Connect-Protocol-Version": "1", ...authHeaders() },
    body: envelope({ actionId: id, attempt }),
    signal,
  });
  // Connect's unimplemented is a 501, not_found a 404 (an action or attempt not there yet).
  if (response.status === 501 || response.status === 404) throw new LogsUnavailable();
  if (!response.ok || !response.body) return replyOf<void>(response);
  const reader = response.body.getReader();
  let pending: Uint8Array = new Uint8Array(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    const joined = new Uint8Array(pending.length + value.length);
    joined.set(pending);
    joined.set(value, pending.length);
    const { frames, rest } = splitEnvelopes(joined);
    pending = rest;
    for (const frame of frames) {
      if (frame.flags & END_STREAM) {
        const error = (frame.json as { error?: { code?: string; message?: string } }).error;
        if (error && unavailable(error.code)) throw new LogsUnavailable();
        if (error) throw new Error(error.message || error.code);
        return;
      }
      const logs = (frame.json as { logs?: { lines?: LogLine[] }[] }).logs ?? [];
      onLines(logs.flatMap((l) => l.lines ?? []));
    }
  }
}
