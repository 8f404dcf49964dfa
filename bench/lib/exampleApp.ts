import path from "node:path";
import { fileURLToPath } from "node:url";
import { componentSchema, exampleSchema, modulesIn } from "../../example/embedded.js";
import { convexTest } from "../../tests/support/convexRules.js";
import { SECRET } from "../../tests/support/app.js";
import { observeCalls } from "./modules.js";
import { installUserClock } from "./userTime.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const exampleDir = path.join(root, "example/convex");

/**
 * The example app (example/convex, the README's app) as the hook tests start it: under the
 * rules layer the tests use (tests/support/convexRules.ts: Convex's transaction, value and
 * document limits enforced), its router swapped for one whose hooks write a row for every
 * change (tests/support/recordingHttp.ts), and `hookedBackfill` (tests/support/recordingBackfill.ts), a
 * backfill with the same hooks. Every function is wrapped for the meter and the clock.
 */
export function createExampleApp() {
  process.env.CLERK_WEBHOOK_SECRET = SECRET;
  const modules = {
    ...modulesIn(exampleDir),
    [path.join(exampleDir, "http.ts")]: () => import("../../tests/support/recordingHttp.js"),
    [path.join(exampleDir, "recordingHooks.ts")]: () => import("../../tests/support/recordingHooks.js"),
    [path.join(exampleDir, "hookedBackfill.ts")]: () => import("../../tests/support/recordingBackfill.js"),
  };
  const t = convexTest(exampleSchema, observeCalls(modules, "app"));
  t.registerComponent("clerk", componentSchema, observeCalls(modulesIn(path.join(root, "src/component")), "clerk"));
  installUserClock();
  return t;
}

export type ExampleApp = ReturnType<typeof createExampleApp>;
