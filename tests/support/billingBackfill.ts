// A host module whose backfill also syncs organizations, roles, permissions and Clerk Billing.
import { internalMutationGeneric, makeFunctionReference } from "convex/server";
import { ClerkSync } from "convex-clerk-sync";
import { ClerkBackfill, type BackfillStepReference } from "convex-clerk-sync/backfill";
import { components } from "../../example/convex/_generated/api";

const backfill = new ClerkBackfill(new ClerkSync(components.clerk), { organizations: true, billing: true });

export const step = backfill.step;
export const start = internalMutationGeneric({
  args: {},
  handler: (ctx) =>
    backfill.start(ctx, makeFunctionReference("billingBackfill:step") as unknown as BackfillStepReference),
});
