// A host module mounted into the example app as `hookedBackfill`: a backfill of users only
// with the hooks that record every call (recordingHooks.ts), so each stored change also runs
// a host mutation that writes, and a throwing hook fails the page. The bench times its pages.
import { internalMutationGeneric, internalQueryGeneric, makeFunctionReference } from "convex/server";
import { v } from "convex/values";
import { ClerkBackfill, type BackfillStepReference } from "convex-clerk-sync/backfill";
import { recordingClerk } from "./recordingHttp.js";

/** Users only, 500 a page (the most Clerk returns); pacing is not what it is for. */
const backfill = new ClerkBackfill(recordingClerk, { reconcile: false, requestsPer10Seconds: 10_000_000 });
const stepReference = makeFunctionReference("hookedBackfill:step") as unknown as BackfillStepReference;

export const step = backfill.step;
export const start = internalMutationGeneric({ args: {}, handler: (ctx) => backfill.start(ctx, stepReference) });
export const status = internalQueryGeneric({
  args: { runId: v.optional(v.string()) },
  handler: (ctx, { runId }) => backfill.status(ctx, runId),
});
