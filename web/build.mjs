// Builds the console: one esbuild bundle (JS + CSS) with content-hashed names under
// <out>/assets/, and <out>/index.html naming them. CMake embeds <out> into the binary
// (cmake/embed_assets.py); `--watch` rebuilds on every change, for `console.dir` development.
// Fails when the gzip sizes pass the budget (web/README.md).
import * as esbuild from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({ options: { out: { type: "string" }, watch: { type: "boolean" } } });
const out = resolve(args.out ?? join(here, "dist"));
const budget = { js: 120 * 1024, css: 15 * 1024 }; // gzip bytes, for the finished console

const gzipSize = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

// After each build: index.html pointing at this build's files, and the size check.
const writeIndex = {
  name: "index",
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0) return;
      const files = { js: [], css: [] };
      for (const [path, output] of Object.entries(result.metafile.outputs)) {
        if (!output.entryPoint) continue;
        files.js.push(resolve(path));
        if (output.cssBundle) files.css.push(resolve(output.cssBundle)); // the CSS the entry imports
      }
      const href = (file) => "/console/" + relative(out, file).split("\\").join("/");
      const template = readFileSync(join(here, "index.html"), "utf8");
      const html = template
        .replace("<!--styles-->", files.css.map((f) => `<link rel="stylesheet" href="${href(f)}">`).join(""))
        .replace("<!--scripts-->", files.js.map((f) => `<script type="module" src="${href(f)}"></script>`).join(""));
      writeFileSync(join(out, "index.html"), html);
      const over = [];
      for (const kind of ["js", "css"]) {
        const size = files[kind].reduce((sum, f) => sum + gzipSize(f), 0);
        console.log(`console: ${kind} ${files[kind].map((f) => basename(f)).join(" ")} ${size} B gzip`);
        if (size > budget[kind]) over.push(`${kind} is ${size} B gzip, budget ${budget[kind]} B`);
      }
      if (over.length > 0) {
        result.errors.push({ text: `over the size budget: ${over.join("; ")}` });
        console.error(`console: over the size budget: ${over.join("; ")}`);
        if (!args.watch) process.exitCode = 1;
      }
    });
  },
};

rmSync(out, { recursive: true, force: true }); // no stale hashed files from earlier builds
mkdirSync(join(out, "assets"), { recursive: true });
const options = {
  entryPoints: [join(here, "src", "main.tsx")],
  outdir: join(out, "assets"),
  entryNames: "[name]-[hash]",
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  jsx: "automatic",
  jsxImportSource: "preact",
  legalComments: "none",
  charset: "utf8",
  metafile: true,
  logLevel: "warning",
  plugins: [writeIndex],
};
if (args.watch) {
  const context = await esbuild.context(options);
  await context.watch();
  console.log(`console: watching web/src, writing ${out}`);
} else {
  await esbuild.build(options);
}
