import { describe, expect, test, vi } from "vitest";
import { ClerkSync } from "convex-clerk-sync";
import { signDelivery, userCreated, userDeleted, userUpdated } from "convex-clerk-sync/test";
import { components } from "../example/convex/_generated/api";
import docsUserCreated from "./fixtures/docs-user.created.json";
import openapiUserCreated from "./fixtures/openapi-user.created.json";
import openapiUserUpdated from "./fixtures/openapi-user.updated.json";
import openapiUserDeleted from "./fixtures/openapi-user.deleted.json";
import { logs, deliver, inComponent, initConvexTest, SECRET, WEBHOOK_PATH, type TestApp } from "./setup";

const clerk = new ClerkSync(components.clerk);

function getUser(t: TestApp, clerkId: string) {
  return t.run((ctx) => clerk.getUser(ctx, clerkId));
}
function countRows(t: TestApp, table: "users" | "tombstones" | "deliveries") {
  return inComponent(t, async (ctx) => (await ctx.db.query(table).collect()).length);
}

describe("applying Clerk's documented payloads", () => {
  test("user.created from the docs stores the primary email and a display name", async () => {
    const t = initConvexTest();
    const res = await deliver(t, docsUserCreated);
    expect(res).toMatchObject({ status: 200, body: { outcome: "inserted" } });
    expect(await getUser(t, "user_29w83sxmDNGwOuEthce5gg56FcC")).toEqual({
      clerkId: "user_29w83sxmDNGwOuEthce5gg56FcC",
      email: "example@example.org",
      emailVerified: true,
      phone: null,
      username: null,
      firstName: "Example",
      lastName: "Example",
      name: "Example Example",
      imageUrl: "https://img.clerk.com/xxxxxx",
      externalId: "567772",
      publicMetadata: {},
      publicMetadataJson: "{}",
      createdAt: 1654012591514,
      updatedAt: 1654012591835,
      lastSignInAt: 1654012591514,
      banned: false,
      locked: false,
    });
  });

  test("OpenAPI user.created with a dangling primary_email_address_id stores no email", async () => {
    const t = initConvexTest();
    expect((await deliver(t, openapiUserCreated)).status).toBe(200);
    const user = await getUser(t, "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S");
    expect(user).toMatchObject({ email: null, emailVerified: false, name: "John Doe", updatedAt: 1716883200000 });
  });

  test("OpenAPI created → updated → deleted ends with no row and a tombstone", async () => {
    const t = initConvexTest();
    await deliver(t, openapiUserCreated);
    expect((await deliver(t, openapiUserUpdated)).body.outcome).toBe("updated");
    expect(await getUser(t, "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S")).toMatchObject({
      lastName: "Doe Updated",
      username: "johndoe",
      publicMetadata: { department: "engineering" },
      updatedAt: 1716883500000,
    });
    expect((await deliver(t, openapiUserDeleted)).body.outcome).toBe("deleted");
    expect(await getUser(t, "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S")).toBeNull();
    expect(await countRows(t, "tombstones")).toBe(1);
    // The tombstone holds no personal data.
    const [tombstone] = await inComponent(t, (ctx) => ctx.db.query("tombstones").collect());
    expect(Object.keys(tombstone).sort()).toEqual(["_creationTime", "_id", "deletedAt", "objectId"]);
  });
});

describe("delivery guarantees", () => {
  test("a redelivery with the same svix-id is a 2xx no-op, even with other content", async () => {
    const t = initConvexTest();
    const first = userCreated({ first_name: "Ada", updated_at: 1000 });
    await deliver(t, first, { id: "msg_same" });
    const changed = userUpdated({ id: first.data.id, first_name: "Grace", updated_at: 2000 });
    const again = await deliver(t, changed, { id: "msg_same" });
    expect(again).toMatchObject({ status: 200, body: { outcome: "duplicate" } });
    expect((await getUser(t, first.data.id))?.firstName).toBe("Ada");
    expect(await countRows(t, "deliveries")).toBe(1);
  });

  test("an older snapshot never overwrites a newer one", async () => {
    const t = initConvexTest();
    const id = "user_order";
    await deliver(t, userUpdated({ id, first_name: "New", updated_at: 2000 }));
    const late = await deliver(t, userCreated({ id, first_name: "Old", updated_at: 1000 }));
    expect(late.body.outcome).toBe("stale");
    expect(await getUser(t, id)).toMatchObject({ firstName: "New", updatedAt: 2000 });
  });

  test("user.updated arriving before user.created inserts the user", async () => {
    const t = initConvexTest();
    const id = "user_updated_first";
    const res = await deliver(t, userUpdated({ id, first_name: "Ada", updated_at: 2000 }));
    expect(res.body.outcome).toBe("inserted");
    expect((await deliver(t, userCreated({ id, first_name: "A", updated_at: 1000 }))).body.outcome).toBe("stale");
    expect(await getUser(t, id)).toMatchObject({ firstName: "Ada", updatedAt: 2000 });
  });

  test("the same version delivered twice under different svix-ids is unchanged", async () => {
    const t = initConvexTest();
    const payload = userCreated({ updated_at: 1000 });
    await deliver(t, payload);
    expect((await deliver(t, payload)).body.outcome).toBe("unchanged");
  });

  test("a late create or update cannot bring a deleted user back", async () => {
    const t = initConvexTest();
    const id = "user_deleted";
    await deliver(t, userCreated({ id, updated_at: 1000 }));
    await deliver(t, userDeleted(id));
    for (const late of [userUpdated({ id, updated_at: 9_999_999_999_999 }), userCreated({ id, updated_at: 1000 })]) {
      expect((await deliver(t, late)).body.outcome).toBe("stale");
    }
    expect(await getUser(t, id)).toBeNull();
    expect(await countRows(t, "users")).toBe(0);
  });

  test("a delete of an unknown user answers 2xx and blocks a later create", async () => {
    const t = initConvexTest();
    const res = await deliver(t, userDeleted("user_never_seen"));
    expect(res).toMatchObject({ status: 200, body: { outcome: "tombstoned" } });
    expect((await deliver(t, userCreated({ id: "user_never_seen" }))).body.outcome).toBe("stale");
    expect(await countRows(t, "users")).toBe(0);
    expect((await deliver(t, userDeleted("user_never_seen"))).body.outcome).toBe("unchanged");
    expect(await countRows(t, "tombstones")).toBe(1);
  });
});

describe("verification", () => {
  const payload = () => userCreated({ id: "user_forged" });

  async function post(t: TestApp, body: string, headers: Record<string, string>) {
    const response = await t.fetch(WEBHOOK_PATH, { method: "POST", body, headers });
    return { status: response.status, body: (await response.json()) as { error?: string } };
  }

  test("a delivery signed with another secret is rejected with 401 and writes nothing", async () => {
    const t = initConvexTest();
    const { body, headers } = signDelivery(payload(), "whsec_" + btoa("another secret, 32 bytes long!!!"));
    const res = await post(t, body, headers);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/invalid webhook signature/);
    expect(await countRows(t, "users")).toBe(0);
    expect(await countRows(t, "deliveries")).toBe(0);
  });

  test("a tampered body is rejected with 401", async () => {
    const t = initConvexTest();
    const { body, headers } = signDelivery(payload(), SECRET);
    const res = await post(t, body.replace("Example", "Mallory"), headers);
    expect(res.status).toBe(401);
    expect(await countRows(t, "users")).toBe(0);
  });

  test.each(["svix-id", "svix-timestamp", "svix-signature"])("a missing %s header is a 400", async (name) => {
    const t = initConvexTest();
    const { body, headers } = signDelivery(payload(), SECRET);
    const res = await post(t, body, { ...headers, [name]: "" });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/missing svix-id, svix-timestamp or svix-signature/);
    expect(await countRows(t, "users")).toBe(0);
  });

  test("a malformed signature header is a 401", async () => {
    const t = initConvexTest();
    const { body, headers } = signDelivery(payload(), SECRET);
    const res = await post(t, body, { ...headers, "svix-signature": "garbage" });
    expect(res.status).toBe(401);
  });

  test("a timestamp outside the 5-minute tolerance is rejected, even correctly signed", async () => {
    const t = initConvexTest();
    for (const skew of [-6 * 60_000, 6 * 60_000]) {
      const { body, headers } = signDelivery(payload(), SECRET, { timestamp: new Date(Date.now() + skew) });
      const res = await post(t, body, headers);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatch(/timestamp too (old|new)/);
    }
    expect(await countRows(t, "users")).toBe(0);
  });

  test("during secret rotation, one valid signature among several is enough", async () => {
    const t = initConvexTest();
    const { body, headers } = signDelivery(payload(), SECRET);
    const other = signDelivery(body, "whsec_" + btoa("the previous secret of the app!!"), {
      id: headers["svix-id"],
      timestamp: new Date(Number(headers["svix-timestamp"]) * 1000),
    });
    const res = await post(t, body, {
      ...headers,
      "svix-signature": `${other.headers["svix-signature"]} ${headers["svix-signature"]}`,
    });
    expect(res.status).toBe(200);
    expect(await countRows(t, "users")).toBe(1);
  });

  test("no secret configured: 500, a log line naming the variable, and the retry lands once set", async () => {
    const t = initConvexTest();
    delete process.env.CLERK_WEBHOOK_SECRET;
    const signed = signDelivery(payload(), SECRET);
    const res = await post(t, signed.body, signed.headers);
    expect(res.status).toBe(500);
    expect(logs.some((line) => line.includes("Set CLERK_WEBHOOK_SIGNING_SECRET or CLERK_WEBHOOK_SECRET to"))).toBe(
      true,
    );
    expect(await countRows(t, "users")).toBe(0);
    process.env.CLERK_WEBHOOK_SECRET = SECRET;
    expect((await post(t, signed.body, signed.headers)).status).toBe(200);
    expect(await countRows(t, "users")).toBe(1);
  });

  test("a malformed secret is a 500 that says so", async () => {
    const t = initConvexTest();
    process.env.CLERK_WEBHOOK_SECRET = "whsec_***not base64***";
    const signed = signDelivery(payload(), SECRET);
    const res = await post(t, signed.body, signed.headers);
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(/malformed/);
  });

  test("a correctly signed body that is not JSON is a 400", async () => {
    const t = initConvexTest();
    const { body, headers } = signDelivery("not json {", SECRET);
    const res = await post(t, body, headers);
    expect(res).toEqual({ status: 400, body: { error: "body is not JSON" } });
  });

  test.each([
    ["an array", []],
    ["an object without type", { data: {} }],
    ["an event without data", { type: "user.created" }],
    ["a user.created without id", { type: "user.created", data: { first_name: "x" } }],
  ])("a correctly signed body that is %s is a 400", async (_, value) => {
    const t = initConvexTest();
    const { body, headers } = signDelivery(value, SECRET);
    expect((await post(t, body, headers)).status).toBe(400);
    expect(await countRows(t, "deliveries")).toBe(0);
  });

  test("the Standard Webhooks signing vector verifies at its own timestamp", async () => {
    const vector = (await import("./fixtures/standard-webhooks-vector.json")).default;
    const t = initConvexTest();
    process.env.CLERK_WEBHOOK_SECRET = vector.secret;
    vi.useFakeTimers({ now: vector.timestamp * 1000, toFake: ["Date"] });
    try {
      const res = await post(t, vector.body, {
        "svix-id": vector.id,
        "svix-timestamp": String(vector.timestamp),
        "svix-signature": vector.signature,
      });
      // Accepted by the verifier (not 401), then refused as not being a Clerk event.
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/not a Clerk event/);
    } finally {
      vi.useRealTimers();
    }
  });
});
