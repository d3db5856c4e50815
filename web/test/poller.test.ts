import assert from "node:assert/strict";
import { test } from "node:test";

import { startPolling, type PollOptions, type Timers } from "../src/poller";

// Timers that run only when the test advances time.
class FakeTimers implements Timers {
  now = 0;
  private next = 1;
  private queue = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number) {
    const id = this.next++;
    this.queue.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.queue.delete(handle as number);
  }
  get scheduled(): number[] {
    return [...this.queue.values()].map((t) => t.at - this.now);
  }
  // Advances time, running due timers and letting the promises they start settle.
  async advance(ms: number) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.queue.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.queue.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
      for (let i = 0; i < 10; i++) await Promise.resolve();
    }
    this.now = until;
  }
}

function options(timers: FakeTimers, extra: Partial<PollOptions> = {}): PollOptions {
  return {
    intervalMs: 1000,
    hiddenIntervalMs: 15_000,
    idleIntervalMs: null,
    maxBackoffMs: 10_000,
    isVisible: () => true,
    timers,
    ...extra,
  };
}

test("polls every second while live and stops once nothing is", async () => {
  const timers = new FakeTimers();
  const calls: number[] = [];
  let live = true;
  startPolling(async () => (calls.push(timers.now), live), options(timers));
  await timers.advance(2500);
  assert.deepEqual(calls, [0, 1000, 2000]);
  live = false;
  await timers.advance(1000);
  assert.deepEqual(calls, [0, 1000, 2000, 3000]);
  await timers.advance(60_000);
  assert.equal(calls.length, 4);
  assert.deepEqual(timers.scheduled, []);
});

test("an idle interval keeps polling slowly; a hidden tab polls every 15 s", async () => {
  const timers = new FakeTimers();
  const calls: number[] = [];
  let visible = true;
  startPolling(async () => (calls.push(timers.now), false), options(timers, { idleIntervalMs: 10_000, isVisible: () => visible }));
  await timers.advance(10_000);
  assert.deepEqual(calls, [0, 10_000]);
  visible = false;
  await timers.advance(30_000);
  assert.deepEqual(calls, [0, 10_000, 20_000, 35_000]); // hidden from the tick at 20 s on
});

test("errors back off, doubling up to the cap, and recover", async () => {
  const timers = new FakeTimers();
  const calls: number[] = [];
  const retries: number[] = [];
  let failing = true;
  startPolling(
    async () => {
      calls.push(timers.now);
      if (failing) throw new Error("down");
      return true;
    },
    options(timers, { onError: (_e, ms) => retries.push(ms) }),
  );
  await timers.advance(40_000);
  assert.deepEqual(retries.slice(0, 5), [2000, 4000, 8000, 10_000, 10_000]);
  failing = false;
  const before = calls.length;
  await timers.advance(10_000);
  const after = calls.slice(before);
  assert.ok(after.length >= 2 && after[after.length - 1] - after[after.length - 2] === 1000, String(after));
});

test("never two ticks in flight; stop ends it; wake polls at once", async () => {
  const timers = new FakeTimers();
  let inFlight = 0;
  let most = 0;
  let release: () => void = () => undefined;
  const poller = startPolling(
    () =>
      new Promise<boolean>((resolve) => {
        inFlight++;
        most = Math.max(most, inFlight);
        release = () => {
          inFlight--;
          resolve(true);
        };
      }),
    options(timers),
  );
  await timers.advance(0);
  poller.wake(); // in flight: ignored
  await timers.advance(5000);
  assert.equal(most, 1);
  release();
  await timers.advance(0);
  assert.deepEqual(timers.scheduled, [1000]);
  poller.wake();
  assert.deepEqual(timers.scheduled, [0]);
  poller.stop();
  assert.deepEqual(timers.scheduled, []);
});
