// What the health tests share: fake time from a fixed noon, sign-ups in the stand-in for Clerk,
// the signed-in app asking for its user, Svix delivering, and a full pass of the users-only backfill.
import { vi } from "vitest";
import { userCreated, userUpdated } from "convex-clerk-sync/test";
import { api, internal } from "../example/convex/_generated/api";
import { clerkApi, drain, startUsersBackfill } from "./backfillSetup";
import type { StoredUser } from "./support/clerkApiStore";
import { deliver, ISSUER, type TestApp } from "./setup";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
/** 2026-05-01 12:00 UTC. */
export const NOON = Date.UTC(2026, 4, 1, 12);
export const at = (time: number) => vi.setSystemTime(time);
export const later = (ms: number) => vi.setSystemTime(Date.now() + ms);

/** The example app's `syncStatus:health`. */
export const health = (t: TestApp) => t.query(internal.syncStatus.health, {});

/** A user signs up in Clerk now. */
export const signUp = (name: string) =>
  clerkApi.addUsers(1, () => ({ first_name: name, created_at: Date.now(), updated_at: Date.now() }))[0]!;
/** Their browser opens the app before the webhook landed: `syncCurrentUser` stores them. */
export const openApp = (t: TestApp, user: StoredUser) =>
  t.withIdentity({ issuer: ISSUER, subject: user.id }).action(api.users.ensureMe, {});
/** Svix delivers Clerk's event for the user as it is now in Clerk. */
export const delivered = (t: TestApp, user: StoredUser, type: "created" | "updated" = "created") =>
  deliver(t, (type === "created" ? userCreated : userUpdated)({ ...user }));
/** A full pass of the users-only backfill (users listed and reconciled), run to its end. */
export const fullPass = async (t: TestApp) => {
  await startUsersBackfill(t);
  return drain(t);
};
