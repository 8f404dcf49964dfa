import { internalMutationGeneric, makeFunctionReference } from "convex/server";
import { ClerkSync } from "convex-clerk-sync";
import { ClerkBackfill, type BackfillStepReference } from "convex-clerk-sync/backfill";
import { components } from "./_generated/api";

/**
 * The backfill as a host sets it up, with no hooks (section 4 of the bench): `lean`
 * pages through Clerk's users only (full passes, and incremental ones), `full` also
 * reconciles (the default). The pace is 1 ms per request, so that the run's wall time is
 * the work, not the waiting: pacing is computed from the request count, not measured.
 */
export const BENCH_REQUESTS_PER_10_SECONDS = 10_000_000;

const clerk = new ClerkSync(components.clerk);
const lean = new ClerkBackfill(clerk, { reconcile: false, requestsPer10Seconds: BENCH_REQUESTS_PER_10_SECONDS });
const full = new ClerkBackfill(clerk, { reconcile: true, requestsPer10Seconds: BENCH_REQUESTS_PER_10_SECONDS });

export const leanStep = lean.step;
export const fullStep = full.step;
const stepRef = (name: string) => makeFunctionReference(`backfill:${name}`) as unknown as BackfillStepReference;

export const startLean = internalMutationGeneric({ args: {}, handler: (ctx) => lean.start(ctx, stepRef("leanStep")) });
export const startFull = internalMutationGeneric({ args: {}, handler: (ctx) => full.start(ctx, stepRef("fullStep")) });
export const startIncremental = internalMutationGeneric({
  args: {},
  handler: (ctx) => lean.start(ctx, stepRef("leanStep"), { mode: "incremental" }),
});
