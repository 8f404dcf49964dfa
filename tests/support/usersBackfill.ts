// A host module whose backfill syncs users only, with the example's hooks and reconciliation
// (the example's backfill also lists organizations): the tests of how users are read run
// only the stages they are about.
import { internalMutationGeneric, makeFunctionReference } from "convex/server";
import { v } from "convex/values";
import { ClerkBackfill, vBackfillMode, type BackfillStepReference } from "convex-clerk-sync/backfill";
import { clerk } from "../../example/convex/clerk";

const backfill = new ClerkBackfill(clerk, { requestsPer10Seconds: 50 });
const stepReference = makeFunctionReference("usersBackfill:step") as unknown as BackfillStepReference;

export const step = backfill.step;
export const start = internalMutationGeneric({
  args: { mode: v.optional(vBackfillMode) },
  handler: (ctx, { mode }) => backfill.start(ctx, stepReference, mode ? { mode } : {}),
});
