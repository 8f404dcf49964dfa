// Mounted into the example app as `hookedBackfill` (section 6 of the bench): the backfill as a host
// with lifecycle hooks sets it up, with the hooks the tests record every call with
// (tests/support/recordingHooks.ts), so each stored change also runs a host mutation that writes.
import { internalMutationGeneric, internalQueryGeneric, makeFunctionReference } from "convex/server";
import { v } from "convex/values";
import { ClerkBackfill, type BackfillStepReference } from "convex-clerk-sync/backfill";
import { recordingClerk } from "../../tests/support/recordingHttp.js";
import { BENCH_REQUESTS_PER_10_SECONDS } from "../host/convex/backfill.js";

/** Users only, 500 a page (the most Clerk returns): the page is the transaction measured. */
const backfill = new ClerkBackfill(recordingClerk, {
  reconcile: false,
  requestsPer10Seconds: BENCH_REQUESTS_PER_10_SECONDS,
});
const stepReference = makeFunctionReference("hookedBackfill:step") as unknown as BackfillStepReference;

export const step = backfill.step;
export const start = internalMutationGeneric({ args: {}, handler: (ctx) => backfill.start(ctx, stepReference) });
export const status = internalQueryGeneric({
  args: { runId: v.string() },
  handler: (ctx, { runId }) => backfill.status(ctx, runId),
});
