import assert from "node:assert/strict";
import { test } from "node:test";

import { LogTail, logPath, MAX_LINES, type Fetch } from "../src/log-tail";

// A /logs file server as the sandbox answers: Range "bytes=N-" → 206 with Content-Range,
// none → 200, N beyond the end → 416.
function server(file: { bytes: Uint8Array }) {
  const asked: (string | undefined)[] = [];
  const fetcher: Fetch = async (_url, init) => {
    const range = init.headers.Range;
    asked.push(range);
    const size = file.bytes.length;
    if (!range) return new Response(file.bytes.slice(), { status: 200 });
    const first = Number(/^bytes=(\d+)-$/.exec(range)![1]);
    if (first >= size) return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
    return new Response(file.bytes.slice(first), {
      status: 206,
      headers: { "Content-Range": `bytes ${first}-${size - 1}/${size}` },
    });
  };
  return { fetcher, asked };
}

const bytes = (s: string) => new TextEncoder().encode(s);

test("reads the whole log, then only what was added, never an unsatisfiable range", async () => {
  const file = { bytes: bytes("one\ntw") };
  const { fetcher, asked } = server(file);
  const tail = new LogTail("/logs/x");
  assert.equal(await tail.poll(fetcher), true);
  assert.deepEqual(tail.lines, ["one"]);
  assert.equal(tail.text, "one\ntw");
  assert.equal(await tail.poll(fetcher), false); // nothing new: asks for the last byte again
  file.bytes = bytes("one\ntwo\nthree\n");
  assert.equal(await tail.poll(fetcher), true);
  assert.deepEqual(tail.lines, ["one", "two", "three"]);
  assert.equal(tail.offset, 14);
  assert.deepEqual(asked, [undefined, "bytes=5-", "bytes=5-"]);
});

test("a character split between two reads is decoded once whole", async () => {
  const whole = bytes("é\n");
  const file = { bytes: whole.slice(0, 1) };
  const { fetcher } = server(file);
  const tail = new LogTail("/logs/x");
  await tail.poll(fetcher);
  file.bytes = whole;
  await tail.poll(fetcher);
  assert.deepEqual(tail.lines, ["é"]);
});

test("a log written again from the start is read again; old lines are dropped past the cap", async () => {
  const file = { bytes: bytes("a\nb\n") };
  const { fetcher } = server(file);
  const tail = new LogTail("/logs/x");
  await tail.poll(fetcher);
  file.bytes = bytes("");
  assert.equal(await tail.poll(fetcher), true);
  assert.equal(tail.text, "");
  file.bytes = bytes("line\n".repeat(MAX_LINES + 3));
  await tail.poll(fetcher);
  assert.equal(tail.lines.length, MAX_LINES);
  assert.equal(tail.dropped, 3);
});

test("errors are thrown to the poller, and log URIs become same-origin paths", async () => {
  const tail = new LogTail("/logs/x");
  await assert.rejects(tail.poll(async () => new Response("no", { status: 404 })), /404/);
  assert.equal(logPath("http://localhost:30080/logs/p/d/e/n0/0.log"), "/logs/p/d/e/n0/0.log");
  assert.equal(logPath("/logs/a%20b"), "/logs/a%20b");
  assert.equal(logPath("https://cloudwatch.example/x"), null);
});

test("a poll asked for while one is in flight waits for it: each byte is read once", async () => {
  const file = { bytes: bytes("one\n") };
  const { fetcher, asked } = server(file);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow: Fetch = async (url, init) => {
    await gate;
    return fetcher(url, init);
  };
  const tail = new LogTail("/logs/x");
  const first = tail.poll(slow);
  file.bytes = bytes("one\ntwo\n");
  const second = tail.poll(fetcher); // starts only once the first has answered
  release();
  assert.equal(await first, true);
  assert.equal(await second, false);
  assert.deepEqual(tail.lines, ["one", "two"]);
  assert.deepEqual(asked, [undefined, "bytes=7-"]);
});
