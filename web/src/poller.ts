// One polling loop per page: calls `tick` again `intervalMs` after the previous call finished
// (never two in flight), slower while the tab is hidden, backing off (doubling, up to
// `maxBackoffMs`) while ticks fail. A tick returns whether anything shown is still live; when
// nothing is, polling waits `idleIntervalMs`, or stops when that is null (a finished execution
// does not change any more).

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface PollOptions {
  intervalMs: number;
  hiddenIntervalMs: number;
  idleIntervalMs: number | null;
  maxBackoffMs: number;
  isVisible: () => boolean;
  onError?: (error: unknown, retryInMs: number) => void;
  timers?: Timers;
}

export const LIVE: Omit<PollOptions, "idleIntervalMs" | "isVisible"> = {
  intervalMs: 1000,
  hiddenIntervalMs: 15_000,
  maxBackoffMs: 10_000,
};

export interface Poller {
  stop(): void;
  // Poll now (e.g. the tab became visible again) unless a tick is in flight or polling ended.
  wake(): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function startPolling(tick: () => Promise<boolean>, options: PollOptions): Poller {
  const timers = options.timers ?? realTimers;
  let stopped = false;
  let inFlight = false;
  let pending: unknown = null;
  let backoff = 0;

  const schedule = (ms: number) => {
    pending = timers.setTimeout(run, ms);
  };

  async function run() {
    pending = null;
    if (stopped || inFlight) return;
    inFlight = true;
    let next: number | null;
    try {
      const live = await tick();
      backoff = 0;
      next = live ? options.intervalMs : options.idleIntervalMs;
      if (next !== null && !options.isVisible()) next = Math.max(next, options.hiddenIntervalMs);
    } catch (error) {
      backoff = Math.min(backoff === 0 ? options.intervalMs * 2 : backoff * 2, options.maxBackoffMs);
      next = backoff;
      options.onError?.(error, next);
    }
    inFlight = false;
    if (stopped || next === null) return;
    schedule(next);
  }

  schedule(0);
  return {
    stop() {
      stopped = true;
      if (pending !== null) timers.clearTimeout(pending);
      pending = null;
    },
    wake() {
      if (stopped || inFlight || pending === null) return;
      timers.clearTimeout(pending);
      schedule(0);
    },
  };
}
