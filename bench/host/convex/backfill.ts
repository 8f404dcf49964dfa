import { internalMutationGeneric, internalQueryGeneric, makeFunctionReference } from "convex/server";
import { v } from "convex/values";
import { ClerkSync } from "convex-clerk-sync";
import { ClerkBackfill, type BackfillStepReference } from "convex-clerk-sync/backfill";
import { leanBackfillHost } from "../../../tests/support/leanBackfill.js";
import { components } from "./_generated/api";

/**
 * The backfill as a host sets it up, with no hooks (section 4 of the bench): `lean` (the
 * tests' lean host) pages through Clerk's users only (full passes, and incremental ones),
 * `full` also reconciles (the default). The pace is 1 ms per request, so that the run's wall
 * time is the work, not the waiting: pacing is computed from the request count, not measured.
 */
export const BENCH_REQUESTS_PER_10_SECONDS = 10_000_000;

const lean = leanBackfillHost(components.clerk, "backfill:leanStep", BENCH_REQUESTS_PER_10_SECONDS);
export const leanStep = lean.step;
export const startLean = lean.start;
export const startIncremental = lean.startIncremental;

const full = new ClerkBackfill(new ClerkSync(components.clerk), {
  reconcile: true,
  requestsPer10Seconds: BENCH_REQUESTS_PER_10_SECONDS,
});
export const fullStep = full.step;
export const startFull = internalMutationGeneric({
  args: {},
  handler: (ctx) => full.start(ctx, makeFunctionReference("backfill:fullStep") as unknown as BackfillStepReference),
});

/** A run's state, through the public API (`ClerkBackfill.status`), for the bench to follow. */
export const status = internalQueryGeneric({
  args: { runId: v.string() },
  handler: (ctx, { runId }) => full.status(ctx, runId),
});
