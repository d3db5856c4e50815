// Follows the tail of a task's log (`/logs/...`, which honours Range): each poll asks only for
// the bytes after what it has, starting one byte early so the range is satisfiable even when
// nothing was added (a 416 would count as a failed request), and decodes UTF-8 across chunk
// boundaries. Keeps the last MAX_LINES lines. Polls run one at a time (a poll asked for while one
// is in flight waits for it), so two readers of one tail never interleave their offsets.

import { pathUnder } from "./same-origin";

export const MAX_LINES = 5000;

export type Fetch = (url: string, init: { headers: Record<string, string> }) => Promise<Response>;

// A log URI as the engine gives it (`http://<client address>/logs/...`) made relative, so the
// page reads it from its own origin whatever host name the user opened the console with.
export const logPath = (uri: string): string | null => pathUnder(uri, "/logs/");

export class LogTail {
  offset = 0; // bytes of the file read so far
  lines: string[] = [];
  dropped = 0; // lines no longer kept
  private partial = ""; // the last line, until its newline arrives
  private decoder = new TextDecoder();
  private last: Promise<unknown> = Promise.resolve(); // the poll in flight, if any

  constructor(private readonly path: string) {}

  get text(): string {
    return this.lines.join("\n") + (this.partial && this.lines.length ? "\n" : "") + this.partial;
  }

  // One request, after any in flight; true when new text arrived.
  poll(fetcher: Fetch): Promise<boolean> {
    const next = this.last.then(() => this.read(fetcher));
    this.last = next.catch(() => undefined);
    return next;
  }

  private async read(fetcher: Fetch): Promise<boolean> {
    const from = this.offset - 1;
    const response = await fetcher(this.path, { headers: from >= 0 ? { Range: `bytes=${from}-` } : {} });
    if (response.status === 416) {
      this.reset(); // the file shrank: it was written again from the start
      return true;
    }
    if (!response.ok) throw new Error(`log: ${response.status} ${response.statusText}`);
    const body = new Uint8Array(await response.arrayBuffer());
    let first = 0; // where `body` starts in the file
    if (response.status === 206) {
      const match = /^bytes (\d+)-\d+\/\d+$/.exec(response.headers.get("Content-Range") ?? "");
      if (!match) throw new Error("log: a partial reply without a Content-Range");
      first = Number(match[1]);
    }
    const skip = this.offset - first;
    if (skip < 0 || skip > body.length) throw new Error("log: the reply does not continue what was read");
    const fresh = body.subarray(skip);
    this.offset += fresh.length;
    if (fresh.length === 0) return false;
    this.append(this.decoder.decode(fresh, { stream: true }));
    return true;
  }

  private append(chunk: string): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop() ?? "";
    this.lines.push(...parts);
    if (this.lines.length > MAX_LINES) {
      const over = this.lines.length - MAX_LINES;
      this.lines.splice(0, over);
      this.dropped += over;
    }
  }

  private reset(): void {
    this.offset = 0;
    this.lines = [];
    this.dropped = 0;
    this.partial = "";
    this.decoder = new TextDecoder();
  }
}
