// Binds a poller to a page's life and to the tab's visibility: one loop per mounted page,
// polling at once when the tab becomes visible again; none while `paused` (the page's pause
// switch), and a poll at once on resuming. Requests in flight when the page goes
// are left to finish (aborting them shows as failed requests) and their answers dropped:
// `tick` applies results only while `current()` holds.
import { useEffect } from "preact/hooks";

import { LIVE, startPolling } from "./poller";

export function useLivePolling(
  tick: (current: () => boolean) => Promise<boolean>,
  idleIntervalMs: number | null,
  onError: (error: unknown) => void,
  key: string,
  paused = false,
): void {
  useEffect(() => {
    if (paused) return;
    let mounted = true;
    const current = () => mounted;
    const poller = startPolling(() => tick(current), {
      ...LIVE,
      idleIntervalMs,
      isVisible: () => document.visibilityState === "visible",
      onError: (error) => {
        if (mounted) onError(error);
      },
    });
    const onVisibility = () => {
      if (document.visibilityState === "visible") poller.wake();
    };
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      mounted = false;
      document.removeEventListener("visibilitychange", onVisibility);
      poller.stop();
    };
  }, [key, paused]);
}
