// What the heartbeat tests share: the example app's heartbeat actions, Svix bringing the heartbeat
// user's `user.updated` back (as Clerk has the user now), and its round trips.
import { userUpdated } from "convex-clerk-sync/test";
import { internal } from "../example/convex/_generated/api";
import { clerkApi } from "./backfillSetup";
import { deliver, inComponent, type TestApp } from "./setup";

/** The example's `heartbeat:setUp`. */
export const setUpHeartbeat = (t: TestApp, args: { userId?: string; emailAddress?: string } = {}) =>
  t.action(internal.heartbeat.setUp, args);
/** The example's `heartbeat:send`, as its cron runs it. */
export const sendHeartbeat = (t: TestApp) => t.action(internal.heartbeat.send, {});
export const heartbeatStatus = (t: TestApp) => t.query(internal.heartbeat.status, {});

/** The heartbeat user's id in Clerk. */
export async function heartbeatUserId(t: TestApp) {
  const status = await heartbeatStatus(t);
  if (!status) throw new Error("the heartbeat is not set up");
  return status.userId;
}

/** Svix delivers the heartbeat user's `user.updated`, as the user is in Clerk now (what the route answers). */
export async function heartbeatReturns(t: TestApp, options: { secret?: string } = {}) {
  const user = clerkApi.users.get(await heartbeatUserId(t))!;
  return deliver(t, userUpdated({ ...user }), options);
}

/** A heartbeat sent and, `delayMs` later (fake time), delivered. */
export async function roundTrip(t: TestApp) {
  await sendHeartbeat(t);
  return heartbeatReturns(t);
}

export const userRows = (t: TestApp) => inComponent(t, (ctx) => ctx.db.query("users").collect());
