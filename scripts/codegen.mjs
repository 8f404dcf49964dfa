// Regenerates the committed `_generated/` folders without a deployment, through the
// offline stand-in for one at ../shared/tools/convex-codegen-offline.mjs (a development
// tool of this repository; nothing a user runs needs it).
//
// Usage: npm run codegen   (emits dist/ first without type-checking, which a changed function
// would fail until its bindings are regenerated, so the example app can import the component's
// config from dist/).
import { spawnSync } from "node:child_process";
import path from "node:path";

const tool = path.resolve("../shared/tools/convex-codegen-offline.mjs");
// The example's auth.config.ts fails, as on a deployment, when no Clerk Frontend API URL is set:
// codegen gets a placeholder (the generated code does not depend on its value).
const env = {
  ...process.env,
  CLERK_FRONTEND_API_URL: process.env.CLERK_FRONTEND_API_URL ?? "https://example.clerk.accounts.dev",
};
for (const args of [["--component-dir", "src/component"], []]) {
  const run = spawnSync("node", [tool, "--", ...args, "--typecheck", "disable"], { stdio: "inherit", env });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
