// The heartbeat's component half: its settings, each round trip (a nonce written to the heartbeat
// user's private metadata by the host's action, and the `user.updated` delivery that brings it
// back), and the outage a returning heartbeat ends, with its heal pass. The webhook recognises a
// heartbeat before any user logic: it is never stored as a user, run through hooks or listed.
import { v } from "convex/values";
import { mutation, query, type MutationCtx } from "./_generated/server.js";
import { startHealPass } from "./heal.js";
import {
  heartbeatSettings,
  HEARTBEATS_KEPT_MS,
  lastReturned,
  newestHeartbeats,
  OUTAGES_KEPT,
  toRoundTrip,
  vRoundTrip,
  type HeartbeatRow,
} from "./heartbeatRecords.js";

/** What became of a heartbeat delivery; every one is answered 200, none is stored as a user. */
export const vHeartbeatOutcome = v.union(
  /** One of this deployment's heartbeats came back: its round trip is recorded. */
  v.literal("returned"),
  /** Svix delivered it again: already recorded. */
  v.literal("duplicate"),
  /** This deployment's nonce, but no round trip on record (older than 2 days, or the user's setup write). */
  v.literal("stale"),
  /** Another deployment's heartbeat (another nonce prefix), or any before this one was set up. */
  v.literal("foreign"),
);

/** Record the heartbeat's Clerk user; answers this deployment's nonce prefix. */
export const setUp = mutation({
  args: { userId: v.string(), created: v.boolean() },
  returns: v.object({ userId: v.string(), deploymentId: v.string() }),
  handler: async (ctx, { userId, created }) => {
    const existing = await heartbeatSettings(ctx);
    const deploymentId = existing?.deploymentId ?? crypto.randomUUID().replace(/-/g, "").slice(0, 16);
    const settings = { userId, deploymentId, created, setUpAt: Date.now() };
    if (existing) await ctx.db.replace("heartbeatSettings", existing._id, settings);
    else await ctx.db.insert("heartbeatSettings", settings);
    return { userId, deploymentId };
  },
});

/**
 * A round trip starts: answers the user and the nonce to write, or null when the heartbeat is not
 * set up. Round trips older than 2 days are deleted, a few at a time.
 */
export const begin = mutation({
  args: { windowMs: v.number() },
  returns: v.union(v.object({ userId: v.string(), nonce: v.string() }), v.null()),
  handler: async (ctx, { windowMs }) => {
    if (!(windowMs > 0)) throw new Error(`the heartbeat's windowMs must be positive, not ${windowMs}`);
    const settings = await heartbeatSettings(ctx);
    if (!settings) return null;
    const now = Date.now();
    const nonce = `${settings.deploymentId}.${crypto.randomUUID().replace(/-/g, "")}`;
    await ctx.db.insert("heartbeats", { nonce, sentAt: now, expectBy: now + windowMs, deliveredAt: null, error: null });
    const old = await ctx.db
      .query("heartbeats")
      .withIndex("by_sentAt", (q) => q.lt("sentAt", now - HEARTBEATS_KEPT_MS))
      .take(4);
    for (const row of old) await ctx.db.delete("heartbeats", row._id);
    return { userId: settings.userId, nonce };
  },
});

/** The metadata write failed: nothing was sent, so this round trip is no evidence about the webhook. */
export const sendFailed = mutation({
  args: { nonce: v.string(), error: v.string() },
  returns: v.null(),
  handler: async (ctx, { nonce, error }) => {
    const row = await byNonce(ctx, nonce);
    if (row) await ctx.db.patch("heartbeats", row._id, { error: error.slice(0, 500) });
    return null;
  },
});

/**
 * A heartbeat's delivery reached the route. Two index ranges when all is well (its round trip, the
 * one before it). When the one before is not back either and the first heartbeat not back since
 * the last that was passed its window, an outage ended: it is recorded and its heal pass started,
 * once (a late retry of a heartbeat sent before a recovery, or before a newer one came back, is none).
 */
export const receive = mutation({
  args: { nonce: v.string() },
  returns: vHeartbeatOutcome,
  handler: async (ctx, { nonce }) => {
    const row = await byNonce(ctx, nonce);
    if (!row) {
      const settings = await heartbeatSettings(ctx);
      return settings && nonce.startsWith(`${settings.deploymentId}.`) ? "stale" : "foreign";
    }
    if (row.deliveredAt !== null) return "duplicate";
    const now = Date.now();
    const before = await ctx.db
      .query("heartbeats")
      .withIndex("by_sentAt", (q) => q.lt("sentAt", row.sentAt))
      .order("desc")
      .first();
    // The one before it not back either: maybe the end of an outage (read further only then).
    if (before && before.deliveredAt === null && before.error === null) await endOutage(ctx, row, now);
    await ctx.db.patch("heartbeats", row._id, { deliveredAt: now });
    return "returned";
  },
});

async function endOutage(ctx: MutationCtx, row: HeartbeatRow, now: number) {
  // A late retry of a heartbeat sent before a recovery already recorded, or before a newer one came back.
  const recorded = await ctx.db.query("outages").withIndex("by_to").order("desc").first();
  if (recorded && recorded.to >= row.sentAt) return;
  const newest = await lastReturned(ctx);
  if (newest && newest.sentAt > row.sentAt) return;
  const firstMissed = await ctx.db
    .query("heartbeats")
    .withIndex("by_sentAt", (q) => (newest ? q.gt("sentAt", newest.sentAt) : q))
    .first();
  // An outage when the first heartbeat not back since the last that was had passed its window.
  if (!firstMissed || firstMissed._id === row._id || firstMissed.expectBy >= now) return;
  const from = firstMissed.sentAt;
  const { runId, heal } = await startHealPass(ctx, { from, to: now });
  await ctx.db.insert("outages", { from, to: now, healRunId: runId, heal });
  const beyond = await ctx.db
    .query("outages")
    .withIndex("by_to")
    .order("desc")
    .take(OUTAGES_KEPT + 2);
  for (const old of beyond.slice(OUTAGES_KEPT)) await ctx.db.delete("outages", old._id);
}

function byNonce(ctx: MutationCtx, nonce: string) {
  return ctx.db
    .query("heartbeats")
    .withIndex("by_nonce", (q) => q.eq("nonce", nonce))
    .unique();
}

/** The heartbeat as `doctor` and the CLI show it: its user, the newest round trips, the latest outage. */
export const status = query({
  args: {},
  returns: v.union(
    v.object({
      userId: v.string(),
      created: v.boolean(),
      setUpAt: v.number(),
      roundTrips: v.array(vRoundTrip),
      lastOutage: v.union(
        v.object({ from: v.number(), to: v.number(), healRunId: v.union(v.string(), v.null()), heal: v.string() }),
        v.null(),
      ),
    }),
    v.null(),
  ),
  handler: async (ctx) => {
    const settings = await heartbeatSettings(ctx);
    if (!settings) return null;
    const outage = await ctx.db.query("outages").withIndex("by_to").order("desc").first();
    return {
      userId: settings.userId,
      created: settings.created,
      setUpAt: settings.setUpAt,
      roundTrips: (await newestHeartbeats(ctx, 10)).map(toRoundTrip),
      lastOutage: outage && { from: outage.from, to: outage.to, healRunId: outage.healRunId, heal: outage.heal },
    };
  },
});
