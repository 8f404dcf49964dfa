// Regenerates the committed `_generated/` folders without a deployment, through the
// offline stand-in at ../shared/tools/convex-codegen-offline.mjs.
//
// The stand-in imports each bundled module as soon as it writes it, so a module that
// imports a shared chunk (`_deps/*.js`, written later) fails to load, and it reports the
// chunks' exports as functions. Both are corrected here before it runs: every module is
// written first, and `_deps/` chunks are not analyzed (the real backend skips them too).
//
// Usage: node scripts/codegen.mjs   (builds nothing: run `npm run build` first so the
// example app can import the component's config from dist/).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const tool = path.resolve("../shared/tools/convex-codegen-offline.mjs");
let source = fs.readFileSync(tool, "utf8");
const loop = `    for (const m of d.modules) {
      const f = writeModule(dir, m.path, m.source);
      functions[m.path] = await analyzeModule(f);
    }`;
if (source.includes(loop)) {
  source = source.replace(
    loop,
    `    for (const m of d.modules) writeModule(dir, m.path, m.source);
    for (const m of d.modules) {
      if (!m.path.startsWith("_deps/")) functions[m.path] = await analyzeModule(path.join(dir, m.path));
    }`,
  );
}
const patched = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "codegen-")), "codegen.mjs");
fs.writeFileSync(patched, source);

for (const args of [["--component-dir", "src/component"], []]) {
  const run = spawnSync("node", [patched, "--", ...args, "--typecheck", "disable"], { stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
