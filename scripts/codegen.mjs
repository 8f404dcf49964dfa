// Regenerates the committed `_generated/` folders without a deployment, through the
// offline stand-in for one at ../shared/tools/convex-codegen-offline.mjs (a development
// tool of this repository; nothing a user runs needs it).
//
// Usage: npm run codegen   (builds first, so the example app can import the component's
// config from dist/).
import { spawnSync } from "node:child_process";
import path from "node:path";

const tool = path.resolve("../shared/tools/convex-codegen-offline.mjs");
for (const args of [["--component-dir", "src/component"], []]) {
  const run = spawnSync("node", [tool, "--", ...args, "--typecheck", "disable"], { stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
