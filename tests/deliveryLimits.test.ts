// Signed deliveries at the edges of what Convex can hold: any depth is stored, what can never be
// stored gets one recorded answer that tells Svix not to retry, and reads never throw on a row.
import { createHmac } from "node:crypto";
import { beforeEach, describe, expect, test } from "vitest";
import { ClerkSync } from "convex-clerk-sync";
import { userCreated } from "convex-clerk-sync/test";
import { components } from "../example/convex/_generated/api";
import { failing } from "./support/recordingHooks";
import { inComponent, initConvexTest, RECORDING_HOOKS, SECRET, WEBHOOK_PATH, type TestApp } from "./setup";

const clerk = new ClerkSync(components.clerk);
const MiB = 1 << 20;

/**
 * POST a body (text, so it may be deeper than JSON.stringify goes) signed as Svix signs it, with
 * node's HMAC: the test kit's `signDelivery` (svix, pure JavaScript) takes a second on 17 MiB.
 */
async function post(t: TestApp, body: string) {
  const svixId = `msg_${crypto.randomUUID().replaceAll("-", "")}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(SECRET.slice("whsec_".length), "base64");
  const signature = createHmac("sha256", key).update(`${svixId}.${timestamp}.${body}`).digest("base64");
  const headers = { "svix-id": svixId, "svix-timestamp": timestamp, "svix-signature": `v1,${signature}` };
  const response = await t.fetch(WEBHOOK_PATH, { method: "POST", body, headers });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, string>,
    retry: response.headers.get("webhook-delivery") !== "abort-message",
    svixId,
  };
}

/** A `user.created` body whose `public_metadata` (or another field) is the given JSON text. */
function userBody(id: string, fields: Record<string, string>): string {
  let body = JSON.stringify(userCreated({ id }));
  for (const [field, json] of Object.entries(fields)) {
    body = body.includes(`"${field}":`)
      ? body.replace(new RegExp(`"${field}":(\\{\\}|null|"[^"]*")`), () => `"${field}":${json}`)
      : body.replace('"data":{', () => `"data":{"${field}":${json},`);
  }
  return body;
}

/** `{"a":{"a":…1…}}`, `levels` deep: text, since JSON.stringify cannot write it past a few thousand. */
const nested = (levels: number) => '{"a":'.repeat(levels) + "1" + "}".repeat(levels);
/** A JSON object of about `bytes` bytes. */
const sized = (bytes: number) => JSON.stringify({ blob: "x".repeat(bytes - 12) });

const failures = (t: TestApp) => t.query((ctx) => clerk.getSyncStatus(ctx)).then((s) => s.recentFailures);
const stored = (t: TestApp) =>
  inComponent(t, async (ctx) => ({
    users: (await ctx.db.query("users").collect()).length,
    deliveries: (await ctx.db.query("deliveries").collect()).length,
  }));

beforeEach(() => {
  failing.enabled = false;
});

describe("any depth", () => {
  test("metadata 6,000 levels deep is stored exactly as sent, and read back", async () => {
    const t = initConvexTest();
    const metadata = nested(6000);
    const res = await post(t, userBody("user_deep", { public_metadata: metadata }));
    expect(res).toMatchObject({ status: 200, body: { outcome: "inserted" } });
    const user = await t.query((ctx) => clerk.getUser(ctx, "user_deep"));
    expect(user?.publicMetadataJson).toBe(metadata);
    // Below 8 levels, the rest is its JSON text.
    let node: unknown = user?.publicMetadata;
    for (let level = 1; level < 8; level++) node = (node as { a: unknown }).a;
    expect((node as { a: unknown }).a).toBe(nested(6000 - 8));
  });

  test("reads never throw on what is stored: 100,000 levels, or text that is not JSON", async () => {
    const t = initConvexTest();
    const deep = nested(100_000);
    for (const [clerkId, text] of [
      ["user_deep", deep],
      ["user_text", "not JSON {"],
    ] as const) {
      await post(t, userBody(clerkId, {}));
      await inComponent(t, async (ctx) => {
        const row = await ctx.db
          .query("users")
          .withIndex("by_clerk_id", (q) => q.eq("clerkId", clerkId))
          .unique();
        await ctx.db.patch("users", row!._id, { publicMetadataJson: text });
      });
    }
    const deepUser = await t.query((ctx) => clerk.getUser(ctx, "user_deep"));
    expect(deepUser?.publicMetadataJson).toBe(deep);
    let node: unknown = deepUser?.publicMetadata;
    for (let level = 1; level < 8; level++) node = (node as { a: unknown }).a;
    expect((node as { a: unknown }).a).toBe(nested(100_000 - 8));
    expect((await t.query((ctx) => clerk.getUser(ctx, "user_text")))?.publicMetadata).toEqual({});
  });
});

describe("too large for Convex: 422, recorded, not retried, nothing stored", () => {
  test("metadata over 1 MiB (a user row over Convex's document limit)", async () => {
    const t = initConvexTest();
    const res = await post(t, userBody("user_big", { public_metadata: sized(MiB + 1024) }));
    expect(res).toMatchObject({ status: 422, retry: false, body: { error: expect.stringMatching(/larger than/) } });
    expect(await failures(t)).toEqual([
      {
        svixId: res.svixId,
        eventType: "user.created",
        reason: "too_large",
        failedAt: expect.any(Number),
        occurrences: 1,
      },
    ]);
    expect(await stored(t)).toEqual({ users: 0, deliveries: 0 });
  });

  test("metadata just under the limit is stored", async () => {
    const t = initConvexTest();
    const res = await post(t, userBody("user_large", { public_metadata: sized(MiB - 4096) }));
    expect(res).toMatchObject({ status: 200, retry: true, body: { outcome: "inserted" } });
    expect(await failures(t)).toEqual([]);
  });

  test("a 5 MiB body whose stored fields are small is applied (private metadata is never stored)", async () => {
    const t = initConvexTest();
    const res = await post(t, userBody("user_private", { private_metadata: sized(5 * MiB) }));
    expect(res).toMatchObject({ status: 200, body: { outcome: "inserted" } });
  });

  test("an event over a function's 16 MiB of arguments, from an 8.4 MiB body", async () => {
    const t = initConvexTest();
    // The display name repeats first and last name: the event outgrows the body.
    const name = JSON.stringify("n".repeat(4.2 * MiB));
    const res = await post(t, userBody("user_named", { first_name: name, last_name: name }));
    expect(res).toMatchObject({ status: 422, retry: false });
    expect(await failures(t)).toMatchObject([{ svixId: res.svixId, eventType: "user.created", reason: "too_large" }]);
    expect(await stored(t)).toEqual({ users: 0, deliveries: 0 });
  });

  test("a body over 16 MiB (Convex takes up to 20 MiB) is answered without being parsed", async () => {
    const t = initConvexTest();
    const res = await post(t, userBody("user_huge", { public_metadata: sized(17 * MiB) }));
    expect(res).toMatchObject({ status: 422, retry: false });
    expect(await failures(t)).toMatchObject([{ svixId: res.svixId, eventType: null, reason: "too_large" }]);
    expect(await stored(t)).toEqual({ users: 0, deliveries: 0 });
  });
});

describe("other answers", () => {
  test("a signed body that is not JSON, or not a Clerk event: 400, recorded, not retried", async () => {
    const t = initConvexTest();
    const notJson = await post(t, "not json {");
    expect(notJson).toMatchObject({ status: 400, retry: false, body: { error: "body is not JSON" } });
    const notEvent = await post(t, JSON.stringify({ type: "user.created", data: { first_name: "x" } }));
    expect(notEvent).toMatchObject({ status: 400, retry: false, body: { error: "user.created without an id" } });
    const recorded = (await failures(t)).map(({ svixId, eventType, reason }) => ({ svixId, eventType, reason }));
    expect(recorded).toHaveLength(2);
    expect(recorded).toEqual(
      expect.arrayContaining([
        { svixId: notJson.svixId, eventType: null, reason: "invalid_payload" },
        { svixId: notEvent.svixId, eventType: null, reason: "invalid_payload" },
      ]),
    );
  });

  test("a hook that throws stays a 500 that Svix retries", async () => {
    const t = initConvexTest(RECORDING_HOOKS);
    failing.enabled = true;
    const res = await post(t, userBody("user_hooked", {}));
    expect(res).toMatchObject({ status: 500, retry: true });
    expect(await failures(t)).toMatchObject([{ svixId: res.svixId, reason: "apply_failed" }]);
  });
});
