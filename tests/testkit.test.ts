import { describe, expect, test, vi } from "vitest";
import { Webhook } from "svix";
import { ClerkSync } from "convex-clerk-sync";
import { seedUser, signDelivery, userCreated, userDeleted, userUpdated } from "convex-clerk-sync/test";
import { api, components } from "../example/convex/_generated/api";
import vector from "./fixtures/standard-webhooks-vector.json";
import { initConvexTest, SECRET, WEBHOOK_PATH, ISSUER } from "./setup";

const clerk = new ClerkSync(components.clerk);

describe("convex-clerk-sync/test", () => {
  test("the signer reproduces the Standard Webhooks signing vector", () => {
    const signed = signDelivery(vector.body, vector.secret, {
      id: vector.id,
      timestamp: new Date(vector.timestamp * 1000),
    });
    expect(signed).toEqual({
      body: vector.body,
      headers: { "svix-id": vector.id, "svix-timestamp": String(vector.timestamp), "svix-signature": vector.signature },
    });
  });

  test("signed builder payloads verify with svix and round-trip through t.fetch", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const t = initConvexTest();
    const created = userCreated({ email: "kit@example.org", first_name: "Kit", last_name: null, updated_at: 1 });
    const signed = signDelivery(created, SECRET);
    expect(() => new Webhook(SECRET).verify(signed.body, signed.headers)).not.toThrow();
    const response = await t.fetch(WEBHOOK_PATH, { method: "POST", ...signed });
    expect(response.status).toBe(200);
    expect(await t.query(async (ctx) => clerk.getUser(ctx, created.data.id))).toMatchObject({
      email: "kit@example.org",
      emailVerified: true,
      name: "Kit",
    });
    expect(userUpdated({ id: created.data.id }).type).toBe("user.updated");
    expect(userDeleted(created.data.id)).toMatchObject({
      type: "user.deleted",
      data: { id: created.data.id, deleted: true },
    });
    vi.restoreAllMocks();
  });

  test("seedUser stores a user that host functions read, without a webhook", async () => {
    const t = initConvexTest();
    const seeded = await seedUser(t, { id: "user_seeded", first_name: "Seed", last_name: null });
    expect(seeded).toMatchObject({ clerkId: "user_seeded", name: "Seed" });
    expect(await t.withIdentity({ issuer: ISSUER, subject: "user_seeded" }).query(api.users.me, {})).toMatchObject({
      name: "Seed",
    });
    // Seeding runs no hooks: the example's profile is not created.
    expect(await t.query(api.profiles.get, { clerkId: "user_seeded" })).toBeNull();
  });
});
