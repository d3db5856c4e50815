// The reader's choice of how times are shown (format.ts TimeMode), kept in localStorage: a
// preference, like the theme a system keeps; nothing else of the console is stored there. While
// times are relative a clock ticks every 10 s so "5 s ago" does not stand still on an ended page.
import { effect, signal } from "@preact/signals";

import type { TimeMode } from "./format";

const KEY = "flyte-console-times";
const MODES: TimeMode[] = ["utc", "local", "relative"];

function stored(): TimeMode {
  try {
    const value = localStorage.getItem(KEY);
    return MODES.find((m) => m === value) ?? "utc";
  } catch {
    return "utc"; // storage refused (a sandboxed frame, privacy settings): the default
  }
}

export const timeMode = signal<TimeMode>(stored());
export const clock = signal(Date.now());

export function setTimeMode(mode: TimeMode): void {
  timeMode.value = mode;
  try {
    localStorage.setItem(KEY, mode);
  } catch {
    // kept for this page only
  }
}

effect(() => {
  if (timeMode.value !== "relative") return;
  clock.value = Date.now();
  const timer = setInterval(() => (clock.value = Date.now()), 10_000);
  return () => clearInterval(timer);
});
