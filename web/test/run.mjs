// Runs the console's unit tests with Node's test runner: each web/test/*.test.ts is bundled by
// esbuild (TypeScript, the console's own modules) into <out>, then `node --test` runs them.
import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({ options: { out: { type: "string" } } });
const out = resolve(args.out ?? join(here, "..", "dist-test"));
const tests = readdirSync(here).filter((f) => f.endsWith(".test.ts"));

rmSync(out, { recursive: true, force: true });
await esbuild.build({
  entryPoints: tests.map((f) => join(here, f)),
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  jsx: "automatic",
  jsxImportSource: "preact",
  logLevel: "warning",
});
const run = spawnSync(process.execPath, ["--test", ...tests.map((f) => join(out, f.replace(/\.ts$/, ".mjs")))], {
  stdio: "inherit",
});
process.exit(run.status ?? 1);
