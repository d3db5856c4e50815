// Phases of executions and node executions as the JSON gateway names them (enum names), what
// each means for live updates, and how each is shown: always a symbol and a word, never colour
// alone.

export type Tone = "queued" | "running" | "waiting" | "ok" | "failed" | "stopped" | "skipped";

interface PhaseInfo {
  label: string;
  tone: Tone;
  terminal: boolean;
}

const PHASES: Record<string, PhaseInfo> = {
  UNDEFINED: { label: "Unknown", tone: "queued", terminal: false },
  QUEUED: { label: "Queued", tone: "queued", terminal: false },
  RUNNING: { label: "Running", tone: "running", terminal: false },
  DYNAMIC_RUNNING: { label: "Running", tone: "running", terminal: false },
  SUCCEEDING: { label: "Succeeding", tone: "running", terminal: false },
  FAILING: { label: "Failing", tone: "running", terminal: false },
  ABORTING: { label: "Aborting", tone: "running", terminal: false },
  PAUSED: { label: "Waiting", tone: "waiting", terminal: false }, // a gate: gates.ts
  SUCCEEDED: { label: "Succeeded", tone: "ok", terminal: true },
  RECOVERED: { label: "Recovered", tone: "ok", terminal: true },
  FAILED: { label: "Failed", tone: "failed", terminal: true },
  TIMED_OUT: { label: "Timed out", tone: "failed", terminal: true },
  ABORTED: { label: "Aborted", tone: "stopped", terminal: true },
  SKIPPED: { label: "Skipped", tone: "skipped", terminal: true },
};

const SYMBOLS: Record<Tone, string> = {
  queued: "○",
  running: "◔",
  waiting: "‖", // a pause sign every font has (⏸ is missing from many)
  ok: "✓",
  failed: "✕",
  stopped: "■",
  skipped: "↷",
};

export function phaseInfo(phase: string | undefined): PhaseInfo & { symbol: string } {
  const info = PHASES[phase ?? "UNDEFINED"] ?? { label: phase ?? "Unknown", tone: "queued", terminal: false };
  return { ...info, symbol: SYMBOLS[info.tone] };
}

export function isTerminal(phase: string | undefined): boolean {
  return phaseInfo(phase).terminal;
}
