// A backfill pass run to its end inside a host's tests. The pass paces itself with the scheduler
// (`runAfter` with each step's delay, a watchdog every minute), so under convex-test its steps run
// only when the test moves fake timers on; this fires them one at a time, as a deployment would.
import type { TestConvex } from "convex-test";
import { componentsGeneric, type GenericSchema, type SchemaDefinition } from "convex/server";
import type { BackfillRunStatus } from "../component/backfillValidators.js";
import type { ComponentApi } from "../component/_generated/component.js";

/** What `finishBackfill` needs of vitest's `vi`, with fake timers on (`vi.useFakeTimers()`). */
export type FakeTimers = { advanceTimersToNextTimer(): unknown; runAllTimers(): unknown };

export type FinishBackfillOptions = {
  /** Run between two steps, with the pass's status: deliver a webhook during the pass, move the clock. */
  between?: (status: BackfillRunStatus) => Promise<void> | void;
  /** Steps before giving up (default 500). */
  maxSteps?: number;
  /** The name given in `app.use` (default "clerk"). */
  name?: string;
};

/**
 * Run the latest backfill pass (started with `ClerkBackfill.start`) to its end: fire its next
 * scheduled step, wait for it, and again until the pass is no longer running; then run what is
 * left (the clean-up the ended pass scheduled). Answers the pass's status as `status` reads it.
 * Throws if there is no pass, or if it is still running after `maxSteps` steps.
 * @param t - the host's `convexTest` instance, the component registered.
 * @param timers - vitest's `vi`, fake timers on.
 */
export async function finishBackfill(
  t: TestConvex<SchemaDefinition<GenericSchema, boolean>>,
  timers: FakeTimers,
  { between, maxSteps = 500, name = "clerk" }: FinishBackfillOptions = {},
): Promise<BackfillRunStatus> {
  const component = (componentsGeneric() as unknown as Record<string, ComponentApi | undefined>)[name];
  if (!component) throw new Error(`no component named "${name}" is registered with this convexTest instance`);
  const status = () => t.run((ctx) => ctx.runQuery(component.backfill.status, {}));
  for (let step = 0; step < maxSteps; step++) {
    await t.finishInProgressScheduledFunctions();
    const current = await status();
    if (!current) throw new Error("no backfill pass to finish: start one first");
    if (current.status !== "running") {
      await t.finishAllScheduledFunctions(() => timers.runAllTimers());
      return current;
    }
    await between?.(current);
    timers.advanceTimersToNextTimer();
  }
  throw new Error(`the backfill pass was still running after ${maxSteps} steps`);
}
