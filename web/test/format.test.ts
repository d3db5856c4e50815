import assert from "node:assert/strict";
import { test } from "node:test";

import { elapsedMs, formatDuration, formatTimestamp, parseDurationMs, formatTime } from "../src/format";

test("proto3 JSON durations", () => {
  assert.equal(parseDurationMs("1.500s"), 1500);
  assert.equal(parseDurationMs("0s"), 0);
  assert.equal(parseDurationMs("3600s"), 3_600_000);
  assert.equal(parseDurationMs("1m"), null);
  assert.equal(parseDurationMs(undefined), null);
});

test("durations for people", () => {
  assert.equal(formatDuration(950), "950ms");
  assert.equal(formatDuration(12_340), "12.3s");
  assert.equal(formatDuration(80_000), "1m 20s");
  assert.equal(formatDuration(3_725_000), "1h 2m 5s");
});

test("elapsed: recorded once ended, counting from the start while running", () => {
  const start = "2026-11-29T07:00:00Z";
  const now = Date.parse("2026-11-29T07:00:05Z");
  assert.equal(elapsedMs(start, "2.000s", true, now), 2000);
  assert.equal(elapsedMs(start, "0s", false, now), 5000);
  assert.equal(elapsedMs(undefined, "0s", false, now), null);
});

test("timestamps in UTC", () => {
  assert.equal(formatTimestamp("2026-11-29T07:05:03.123456Z"), "2026-11-29 07:05:03 UTC");
  assert.equal(formatTimestamp(undefined), "");
});

test("times in UTC, in the reader's zone, or relative to now", () => {
  const iso = "2026-11-29T07:05:03.250Z";
  assert.equal(formatTime(iso, "utc", 0), "2026-11-29 07:05:03 UTC");
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  const local = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  assert.ok(formatTime(iso, "local", 0).startsWith(local), formatTime(iso, "local", 0));
  const at = Date.parse(iso);
  assert.equal(formatTime(iso, "relative", at + 12_000), "12 s ago");
  assert.equal(formatTime(iso, "relative", at + 5 * 60_000 + 30_000), "5 min ago");
  assert.equal(formatTime(iso, "relative", at + 3 * 3_600_000), "3 h ago");
  assert.equal(formatTime(iso, "relative", at + 86_400_000), "1 day ago");
  assert.equal(formatTime(iso, "relative", at + 3 * 86_400_000), "3 days ago");
  assert.equal(formatTime(iso, "relative", at - 5 * 60_000), "in 5 min");
  assert.equal(formatTime(undefined, "local", 0), "");
  assert.equal(formatTime("not a time", "relative", 0), "not a time");
});
