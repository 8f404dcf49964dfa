// What the heartbeat keeps: its settings (one row), each round trip through Clerk, Svix and the
// webhook route (bounded by age), and each outage a returning heartbeat ended (bounded by count).
// Written only by the heartbeat's own mutations, once per interval: no delivery writes them.
import { v, type Infer } from "convex/values";
import type { Doc } from "./_generated/dataModel.js";
import type { QueryCtx } from "./_generated/server.js";

/** How long round trips are kept: the health check reads the newest ones only. */
export const HEARTBEATS_KEPT_MS = 2 * 24 * 60 * 60 * 1000;
/** Outages kept, newest first. */
export const OUTAGES_KEPT = 20;
/** Round trips the health check reads at most, newest first. */
export const HEARTBEATS_READ = 50;
/**
 * How long Svix retries a message (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h): an
 * outage longer than this lost the changes of its start for good.
 */
export const SVIX_RETRY_SPAN_MS = (5 + 5 * 60 + 30 * 60 + (2 + 5 + 10 + 10) * 60 * 60) * 1000;

export const heartbeatSettingsFields = {
  /** The Clerk user the heartbeat touches (`user_…`). */
  userId: v.string(),
  /** This deployment's part of every nonce: a heartbeat another deployment sent is told apart. */
  deploymentId: v.string(),
  /** Whether the package created the user (else the host named it). */
  created: v.boolean(),
  setUpAt: v.number(),
};

export const heartbeatFields = {
  /** `<deploymentId>.<random>`, written to the user's private metadata. */
  nonce: v.string(),
  sentAt: v.number(),
  /** Missing once this passed with no delivery: `sentAt` plus the heartbeat's window. */
  expectBy: v.number(),
  /** When its `user.updated` delivery reached the route; null while it has not. */
  deliveredAt: v.union(v.number(), v.null()),
  /** Clerk's answer when the metadata could not be written (nothing was sent); null if it was. */
  error: v.union(v.string(), v.null()),
};
export type HeartbeatRow = Doc<"heartbeats">;

export const outageFields = {
  /** When the first heartbeat that did not come back was sent. */
  from: v.number(),
  /** When a heartbeat came back. */
  to: v.number(),
  /** The pass started to repair what the outage missed; null when none could start (`heal` says why). */
  healRunId: v.union(v.string(), v.null()),
  heal: v.string(),
};

/** One round trip, as `heartbeat.status` lists it. */
export const vRoundTrip = v.object({
  sentAt: v.number(),
  deliveredAt: v.union(v.number(), v.null()),
  /** `deliveredAt - sentAt`; null while not delivered. */
  latencyMs: v.union(v.number(), v.null()),
  error: v.union(v.string(), v.null()),
});
export type RoundTrip = Infer<typeof vRoundTrip>;

/** The newest round trips, newest first. */
export function newestHeartbeats(ctx: QueryCtx, n = HEARTBEATS_READ) {
  return ctx.db.query("heartbeats").withIndex("by_sentAt").order("desc").take(n);
}

/** The newest round trip that came back, or null. */
export function lastReturned(ctx: QueryCtx) {
  return ctx.db
    .query("heartbeats")
    .withIndex("by_deliveredAt", (q) => q.gt("deliveredAt", 0))
    .order("desc")
    .first();
}

export function heartbeatSettings(ctx: QueryCtx) {
  return ctx.db.query("heartbeatSettings").first();
}

export function toRoundTrip({ sentAt, deliveredAt, error }: HeartbeatRow): RoundTrip {
  return { sentAt, deliveredAt, latencyMs: deliveredAt === null ? null : deliveredAt - sentAt, error };
}
