import { ClerkHeartbeat, type HeartbeatStatus } from "convex-clerk-sync/backfill";
import { internalQuery } from "./_generated/server";
import { clerk } from "./clerk";

// A heartbeat through Clerk, Svix and this app's webhook route: every 5 minutes (crons.ts), a
// nonce in the heartbeat user's private metadata (one Backend API request with CLERK_SECRET_KEY,
// read at each call, never stored) comes back as a `user.updated` delivery. Not back within
// 10 minutes: getSyncHealth reads `silent`, at any hour.
const heartbeat = new ClerkHeartbeat(clerk);

/** Run by crons.ts every 5 minutes. */
export const send = heartbeat.send;

/**
 * `npx convex run heartbeat:setUp` once: creates the heartbeat's Clerk user (or
 * `'{"userId":"user_…"}'` names one; `'{"emailAddress":"…"}'` for an instance that requires one).
 */
export const setUp = heartbeat.setUp;

/** `npx convex run heartbeat:status`: its user, the newest round trips, the latest outage and its heal. */
export const status = internalQuery({
  args: {},
  handler: (ctx): Promise<HeartbeatStatus | null> => heartbeat.status(ctx),
});
