// Changes a backfill pass stored inside the repair grace: too recent to call a repair, since
// their webhook may still be on its way. A delivery that brings the same version (or a later
// one) confirms it; the next pass that lists the kind counts what no delivery confirmed as a
// repair, so a change stored just before its webhook was lost is not absorbed.
import type { MutationCtx, QueryCtx } from "./_generated/server.js";
import { subscriptionItemKind } from "./billing.js";
import { type BackfillKind, type KindCounts } from "./backfillValidators.js";
import type { ClerkEvent } from "./deliveries.js";
import { invitationKind } from "./invitations.js";
import { membershipKind } from "./memberships.js";
import { organizationKind } from "./organizations.js";
import { permissionKind, roleKind } from "./roles.js";
import { userKind } from "./users.js";

/**
 * A change Clerk made less than this before a pass stored it may have its webhook still in
 * flight (Svix delivers in seconds, its first retries within minutes): not counted as a repair
 * then, but by the next pass that lists the kind, unless a delivery brought it meanwhile.
 */
export const REPAIR_GRACE_MS = 10 * 60 * 1000;
/** Rows a pass counts per kind at most; the rest wait for the next pass. */
export const GRACE_SETTLE_BATCH = 200;

/** Each stored kind's row lookup, for the version stored now. */
const storedRows: Partial<Record<BackfillKind, (ctx: QueryCtx, id: string) => Promise<{ updatedAt: number } | null>>> =
  {
    users: (ctx, id) => userKind.find(ctx, id),
    organizations: (ctx, id) => organizationKind.find(ctx, id),
    memberships: (ctx, id) => membershipKind.find(ctx, id),
    invitations: (ctx, id) => invitationKind.find(ctx, id),
    permissions: (ctx, id) => permissionKind.find(ctx, id),
    roles: (ctx, id) => roleKind.find(ctx, id),
    subscriptionItems: (ctx, id) => subscriptionItemKind.find(ctx, id),
  };

/** A pass stored `objectId` at `changedAt` inside the grace: keep it until a delivery brings it (one row per object). */
export async function awaitDelivery(ctx: MutationCtx, kind: BackfillKind, objectId: string, changedAt: number) {
  const row = await ctx.db
    .query("graceStores")
    .withIndex("by_objectId", (q) => q.eq("objectId", objectId))
    .unique();
  if (row && row.changedAt >= changedAt) return;
  if (row) await ctx.db.patch("graceStores", row._id, { kind, changedAt, storedAt: Date.now() });
  else await ctx.db.insert("graceStores", { kind, objectId, changedAt, storedAt: Date.now() });
}

/**
 * A delivery that changed nothing (the version stored, or an older one) may be the webhook of a
 * change a pass stored first: it confirms the pass's rows it is as new as. Deliveries that change
 * a row read nothing here; the next pass sees their newer version in the row itself.
 */
export async function confirmDelivered(ctx: MutationCtx, event: ClerkEvent) {
  for (const { id, updatedAt } of deliveredVersions(event)) {
    const row = await ctx.db
      .query("graceStores")
      .withIndex("by_objectId", (q) => q.eq("objectId", id))
      .unique();
    if (row && row.changedAt <= updatedAt) await ctx.db.delete("graceStores", row._id);
  }
}

/** The objects of a kind a pass lists that a delivery carries a version of. */
function deliveredVersions(event: ClerkEvent): { id: string; updatedAt: number }[] {
  if ("user" in event) return [{ id: event.user.clerkId, updatedAt: event.user.updatedAt }];
  if ("membership" in event) return [{ id: event.membership.membershipId, updatedAt: event.membership.updatedAt }];
  if ("organization" in event) return [{ id: event.organization.orgId, updatedAt: event.organization.updatedAt }];
  if ("invitation" in event) return [{ id: event.invitation.invitationId, updatedAt: event.invitation.updatedAt }];
  if ("role" in event) return [{ id: event.role.roleId, updatedAt: event.role.updatedAt }];
  if ("permission" in event) return [{ id: event.permission.permissionId, updatedAt: event.permission.updatedAt }];
  if ("items" in event) return event.items.map((item) => ({ id: item.itemId, updatedAt: item.updatedAt }));
  if ("item" in event) return [{ id: event.item.itemId, updatedAt: event.item.updatedAt }];
  return [];
}

/**
 * Count, as repairs in `counts`, the kind's changes stored inside the grace that the grace has
 * now passed for with no delivery of them, and forget them. A row that holds a newer version
 * since, or is gone, says nothing about this change: forgotten uncounted.
 */
export async function countUndelivered(ctx: MutationCtx, kind: BackfillKind, counts: KindCounts) {
  const rows = await ctx.db
    .query("graceStores")
    .withIndex("by_kind_and_changedAt", (q) => q.eq("kind", kind).lte("changedAt", Date.now() - REPAIR_GRACE_MS))
    .take(GRACE_SETTLE_BATCH);
  const stored = storedRows[kind];
  for (const row of rows) {
    const current = stored ? await stored(ctx, row.objectId) : null;
    if (current?.updatedAt === row.changedAt) {
      counts.repaired++;
      counts.lastMissed = Math.max(counts.lastMissed ?? row.changedAt, row.changedAt);
    }
    await ctx.db.delete("graceStores", row._id);
  }
}
