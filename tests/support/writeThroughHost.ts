// What the write-through tests share: the example app with recording hooks (every hook call
// is a `profiles` row), a ClerkSync wired to the same hooks, and Clerk's stand-in behind
// CLERK_API_URL.
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import {
  ClerkSync,
  type ClerkWriteError,
  type OrganizationEventHandlerReference,
  type UserEventHandlerReference,
} from "convex-clerk-sync";
import { components } from "../../example/convex/_generated/api";
import { deliver, inComponent, initConvexTest, RECORDING_HOOKS, type TestApp } from "../setup";
import { startClerkApiStandIn, type ClerkApiStandIn } from "./clerkApiStandIn";

export const SECRET_KEY = "sk_test_writes_0123456789abcdef";

/** The host's ClerkSync, with the recording hooks the webhook route also runs. */
export const clerk = new ClerkSync(components.clerk, {
  onUserEvent: makeFunctionReference("recordingHooks:onUserEvent") as unknown as UserEventHandlerReference,
  onOrganizationEvent: makeFunctionReference(
    "recordingHooks:onOrganizationEvent",
  ) as unknown as OrganizationEventHandlerReference,
});

/** The example app with recording hooks, and a fresh Clerk stand-in. */
export async function startWriteThroughHost(): Promise<{ t: TestApp; clerkApi: ClerkApiStandIn }> {
  const clerkApi = await startClerkApiStandIn({ secretKey: SECRET_KEY });
  process.env.CLERK_API_URL = clerkApi.url;
  process.env.CLERK_SECRET_KEY = SECRET_KEY;
  return { t: initConvexTest(RECORDING_HOOKS), clerkApi };
}

/** The webhook Clerk sends for an object, as the stand-in now holds it. */
export function echo(type: string, data: unknown) {
  return { data, object: "event", type, instance_id: "ins_standin", timestamp: Date.now() };
}

/** Deliver Clerk's webhook for the change and answer its outcome. */
export async function deliverEcho(t: TestApp, type: string, data: unknown): Promise<string | undefined> {
  return (await deliver(t, echo(type, data))).body.outcome;
}

/** Every hook call so far (`<event>:<details>`), in order. */
export async function hookCalls(t: TestApp): Promise<string[]> {
  const rows = await t.run((ctx) => ctx.db.query("profiles").collect());
  return rows.map((row) => row.displayName);
}

/** Every row of the component's tables that a write could touch, to show a failure wrote nothing. */
export function syncedRows(t: TestApp) {
  return inComponent(t, async (ctx) => ({
    users: await ctx.db.query("users").collect(),
    organizations: await ctx.db.query("organizations").collect(),
    memberships: await ctx.db.query("memberships").collect(),
    invitations: await ctx.db.query("invitations").collect(),
    tombstones: await ctx.db.query("tombstones").collect(),
  }));
}

/** The `data` of the ConvexError `run` throws. */
export async function clerkErrorOf(run: () => Promise<unknown>): Promise<ClerkWriteError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ConvexError) return error.data as ClerkWriteError;
    throw error;
  }
  throw new Error("expected a ConvexError");
}
