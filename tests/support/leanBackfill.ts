// A host module for the large backfill test: no hooks and no reconciliation, so the
// run measures the sync itself (convex-test's indexes sort whole tables on each look-up).
import { internalMutationGeneric, makeFunctionReference } from "convex/server";
import { ClerkSync } from "convex-clerk-sync";
import { ClerkBackfill, type BackfillStepReference } from "convex-clerk-sync/backfill";
import { components } from "../../example/convex/_generated/api";

const backfill = new ClerkBackfill(new ClerkSync(components.clerk), { reconcile: false, requestsPer10Seconds: 1000 });

export const step = backfill.step;
export const start = internalMutationGeneric({
  args: {},
  handler: (ctx) => backfill.start(ctx, makeFunctionReference("leanBackfill:step") as unknown as BackfillStepReference),
});
