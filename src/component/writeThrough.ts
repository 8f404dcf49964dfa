import { mutation } from "./_generated/server.js";
import { vChangeOutcome, vHookHandles } from "./changes.js";
import { applyEvent, vClerkEvent } from "./deliveries.js";

/**
 * Apply the object Clerk answered a write with (the host's write-through action), as the
 * webhook for the same change will carry it: the same snapshot rules (newer wins,
 * tombstones, hooks once per real change) with `source: "api"`, and no dedupe record, so
 * the webhook that follows answers `unchanged` and runs no hook again.
 */
export const apply = mutation({
  args: { event: vClerkEvent, hooks: vHookHandles },
  returns: vChangeOutcome,
  handler: (ctx, { event, hooks }) => applyEvent(ctx, event, { source: "api", hooks }),
});
