// @vitest-environment node
import { ConvexError } from "convex/values";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { userCreated } from "convex-clerk-sync/test";
import type { ClerkApiStandIn } from "./support/clerkApiStandIn";
import {
  clerk,
  clerkErrorOf,
  deliverEcho,
  hookCalls,
  SECRET_KEY,
  startWriteThroughHost,
  syncedRows,
} from "./support/writeThroughHost";
import { deliver, inComponent, type TestApp } from "./setup";

let t: TestApp;
let clerkApi: ClerkApiStandIn;
let userId: string;

beforeEach(async () => {
  ({ t, clerkApi } = await startWriteThroughHost());
  // A user Clerk has, already synced by its webhook.
  const [user] = clerkApi.addUsers(1, () => ({ public_metadata: { theme: "dark", plan: "free" } }));
  userId = user!.id;
  expect((await deliver(t, userCreated(user))).body.outcome).toBe("inserted");
});
afterEach(async () => {
  await clerkApi.close();
});

describe("write-through: users", () => {
  test("metadata: merged as Clerk merges, stored in the same action, private metadata never stored, echo unchanged", async () => {
    const seen = await t.action(async (ctx) => {
      const returned = await clerk.updateUserMetadata(ctx, userId, {
        publicMetadata: { onboardingComplete: true, plan: null },
        privateMetadata: { stripeId: "cus_private_4f1e" },
        unsafeMetadata: { draft: "unsafe_9c2d" },
      });
      // Visible to Convex reads in the same request that made the change.
      return { returned, stored: await clerk.getUser(ctx, userId) };
    });
    expect(seen.returned.publicMetadata).toEqual({ theme: "dark", onboardingComplete: true });
    expect(seen.stored).toEqual(seen.returned);
    // Clerk got all three; Convex kept only the public metadata.
    expect(clerkApi.users.get(userId)).toMatchObject({
      private_metadata: { stripeId: "cus_private_4f1e" },
      unsafe_metadata: { draft: "unsafe_9c2d" },
    });
    expect(JSON.stringify(await syncedRows(t))).not.toMatch(/cus_private_4f1e|unsafe_9c2d/);

    // Clerk's webhook for the same change: nothing left to do, no second hook.
    expect(await deliverEcho(t, "user.updated", clerkApi.users.get(userId))).toBe("unchanged");
    expect(await hookCalls(t)).toEqual([`created:webhook:User0 Example`, `updated:api:User0 Example->User0 Example`]);
  });

  test("ban, unban, lock, unlock: each flag stored at once; each echo unchanged", async () => {
    const flags = async (write: "banUser" | "unbanUser" | "lockUser" | "unlockUser") => {
      const user = await t.action((ctx) => clerk[write](ctx, userId));
      const stored = await t.query((ctx) => clerk.getUser(ctx, userId));
      expect(await deliverEcho(t, "user.updated", clerkApi.users.get(userId))).toBe("unchanged");
      return { banned: user.banned, locked: user.locked, storedMatches: stored?.updatedAt === user.updatedAt };
    };
    expect(await flags("banUser")).toEqual({ banned: true, locked: false, storedMatches: true });
    expect(await flags("lockUser")).toEqual({ banned: true, locked: true, storedMatches: true });
    expect(await flags("unbanUser")).toEqual({ banned: false, locked: true, storedMatches: true });
    expect(await flags("unlockUser")).toEqual({ banned: false, locked: false, storedMatches: true });
    expect((await hookCalls(t)).filter((call) => call.startsWith("updated:"))).toHaveLength(4);
  });

  test("delete: gone at once with its tombstone; the echo and any older snapshot change nothing", async () => {
    const before = clerkApi.users.get(userId)!;
    await t.action((ctx) => clerk.deleteUser(ctx, userId));
    expect(clerkApi.users.has(userId)).toBe(false);
    expect(await t.query((ctx) => clerk.getUser(ctx, userId))).toBeNull();
    expect(await deliverEcho(t, "user.deleted", { id: userId, object: "user", deleted: true })).toBe("unchanged");
    expect(await deliverEcho(t, "user.updated", { ...before, updated_at: Date.now() + 1000 })).toBe("stale");
    expect(await t.query((ctx) => clerk.getUser(ctx, userId))).toBeNull();
    expect((await hookCalls(t)).at(-1)).toBe("deleted:api:User0 Example");
  });
});

describe("write-through: Clerk's errors write nothing and reach the caller with a stable code", () => {
  test("404, 429 with Retry-After, a dropped connection, a refused key", async () => {
    const before = await syncedRows(t);
    const ban = (id = userId) => clerkErrorOf(() => t.action((ctx) => clerk.banUser(ctx, id)));

    expect(await ban("user_unknown")).toMatchObject({
      code: "CLERK_NOT_FOUND",
      status: 404,
      message: "not found",
      errors: [{ code: "resource_not_found", message: "not found", longMessage: null, paramName: null }],
    });
    clerkApi.rateLimitNext(1, 7);
    expect(await ban()).toMatchObject({ code: "CLERK_RATE_LIMITED", status: 429, retryAfter: 7000 });
    clerkApi.dropNext(1);
    expect(await ban()).toMatchObject({
      code: "CLERK_UNREACHABLE",
      status: null,
      retryAfter: null,
      message: expect.stringContaining("the change may have been made in Clerk"),
    });
    process.env.CLERK_SECRET_KEY = "sk_test_not_the_key";
    expect(await ban()).toMatchObject({
      code: "CLERK_ERROR",
      status: 401,
      message: expect.stringContaining("Clerk Secret Key is invalid"),
    });

    expect(clerkApi.users.get(userId)?.banned ?? false).toBe(false);
    expect(await syncedRows(t)).toEqual(before);
    expect(await hookCalls(t)).toEqual(["created:webhook:User0 Example"]);
  });

  test("an id refused before sending is INVALID_ID; a malformed key or API URL is a plain Error", async () => {
    const before = await syncedRows(t);
    const ban = (id = userId) => t.action((ctx) => clerk.banUser(ctx, id));
    expect(await clerkErrorOf(() => ban(""))).toMatchObject({ code: "INVALID_ID", status: null });
    expect(await clerkErrorOf(() => ban(".."))).toMatchObject({ code: "INVALID_ID", status: null });

    const deploymentError = async () => {
      const error: unknown = await ban().then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error).not.toBeInstanceOf(ConvexError);
      return error instanceof Error ? error.message : error;
    };
    process.env.CLERK_SECRET_KEY = `${SECRET_KEY}\nsk_test_pasted_twice`;
    const malformedKey = await deploymentError();
    expect(malformedKey).toMatch(/invalid header value/);
    // The key is never in the error, which the deployment logs.
    expect(malformedKey).not.toContain(SECRET_KEY.slice("sk_test_".length));
    expect(malformedKey).not.toContain("pasted_twice");
    process.env.CLERK_SECRET_KEY = SECRET_KEY;
    process.env.CLERK_API_URL = "not a url";
    expect(await deploymentError()).toMatch(/Invalid URL/);

    expect(clerkApi.requests).toEqual([]);
    expect(await syncedRows(t)).toEqual(before);
    expect(await hookCalls(t)).toEqual(["created:webhook:User0 Example"]);
  });

  test("422: Clerk's form errors, with the parameter each is about", async () => {
    const before = await syncedRows(t);
    const error = await clerkErrorOf(() => t.action((ctx) => clerk.createOrganization(ctx, { name: "" })));
    expect(error).toEqual({
      code: "CLERK_INVALID",
      status: 422,
      message: "name is missing",
      errors: [
        { code: "form_param_missing", message: "name is missing", longMessage: "name is missing", paramName: "name" },
      ],
      retryAfter: null,
    });
    expect(await syncedRows(t)).toEqual(before);
  });
});

describe("write-through and webhooks in any order: the stored state never goes back", () => {
  test("an older webhook racing a write-through never wins", async () => {
    const first = clerkApi.users.get(userId)!;
    const olderChange = clerkApi.updateUser(userId, { public_metadata: { step: 0 } });
    const [returned] = await Promise.all([
      t.action((ctx) => clerk.updateUserMetadata(ctx, userId, { publicMetadata: { step: 1 } })),
      deliverEcho(t, "user.updated", olderChange),
    ]);
    // The webhook of the state before both arrives last.
    expect(await deliverEcho(t, "user.updated", first)).toBe("stale");
    const stored = await t.query((ctx) => clerk.getUser(ctx, userId));
    expect(stored).toEqual(returned);
    expect(stored?.publicMetadata).toEqual({ step: 1 });
  });

  test("an answer older than a webhook that already landed is not applied, and runs no hook", async () => {
    // A later change made elsewhere, whose webhook lands before the write-through's answer.
    const newer = { ...clerkApi.users.get(userId)!, updated_at: Date.now() + 60_000, public_metadata: { step: 3 } };
    expect(await deliverEcho(t, "user.updated", newer)).toBe("updated");
    const returned = await t.action((ctx) => clerk.updateUserMetadata(ctx, userId, { publicMetadata: { step: 2 } }));
    expect(returned.updatedAt).toBeLessThan(newer.updated_at);
    const stored = await t.query((ctx) => clerk.getUser(ctx, userId));
    expect(stored?.updatedAt).toBe(newer.updated_at);
    expect(stored?.publicMetadata).toEqual({ step: 3 });
    expect((await hookCalls(t)).filter((call) => call.startsWith("updated:api"))).toEqual([]);
    expect(await inComponent(t, (ctx) => ctx.db.query("users").collect())).toHaveLength(1);
  });
});
