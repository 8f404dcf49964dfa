// A host's backfill with no hooks and no reconciliation, so a run measures the sync itself
// (convex-test's indexes sort whole tables on each look-up). The large backfill test mounts
// this module; the bench's host (bench/host/convex/backfill.ts) builds its lean backfill here too.
import { internalMutationGeneric, makeFunctionReference } from "convex/server";
import { ClerkSync, type ComponentApi } from "convex-clerk-sync";
import { ClerkBackfill, type BackfillStepReference } from "convex-clerk-sync/backfill";
import { components } from "../../example/convex/_generated/api";

/** The step action and start mutations, for a host module whose step is exported at `stepPath`. */
export function leanBackfillHost(
  component: ComponentApi,
  stepPath: string,
  requestsPer10Seconds: number,
  pageSize?: number,
) {
  const options = { reconcile: false, requestsPer10Seconds, ...(pageSize !== undefined ? { pageSize } : {}) };
  const backfill = new ClerkBackfill(new ClerkSync(component), options);
  const step = makeFunctionReference(stepPath) as unknown as BackfillStepReference;
  return {
    step: backfill.step,
    start: internalMutationGeneric({ args: {}, handler: (ctx) => backfill.start(ctx, step) }),
    startIncremental: internalMutationGeneric({
      args: {},
      handler: (ctx) => backfill.start(ctx, step, { mode: "incremental" }),
    }),
  };
}

// Pages of 20: the test crosses pages with few users.
const lean = leanBackfillHost(components.clerk, "leanBackfill:step", 1000, 20);
export const step = lean.step;
export const start = lean.start;
