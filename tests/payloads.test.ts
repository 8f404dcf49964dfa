import { describe, expect, test } from "vitest";
import { ClerkSync } from "convex-clerk-sync";
import { clerkUser, userCreated, userDeleted } from "convex-clerk-sync/test";
import { components } from "../example/convex/_generated/api";
import { logs, deliver, inComponent, initConvexTest, type TestApp } from "./setup";

const clerk = new ClerkSync(components.clerk);
const getUser = (t: TestApp, id: string) => t.run((ctx) => clerk.getUser(ctx, id));

describe("odd but valid payloads never cause a 5xx", () => {
  test.each([
    ["first and last", { first_name: "Ada", last_name: "Lovelace" }, "Ada Lovelace"],
    ["first only", { first_name: "Ada", last_name: null }, "Ada"],
    ["last only", { first_name: null, last_name: "Lovelace" }, "Lovelace"],
    ["blank names, a username", { first_name: "  ", last_name: "", username: "ada" }, "ada"],
    [
      "no names, no username",
      { first_name: null, last_name: null, username: null, email: "Ada@Example.org" },
      "Ada@Example.org",
    ],
    [
      "nothing but an id",
      { id: "user_bare", first_name: null, last_name: null, username: null, email: null },
      "user_bare",
    ],
  ])("display name with %s", async (_, overrides, name) => {
    const t = initConvexTest();
    const payload = userCreated(overrides);
    expect((await deliver(t, payload)).status).toBe(200);
    const user = await getUser(t, payload.data.id);
    expect(user?.name).toBe(name);
    expect(user?.name).not.toMatch(/null|undefined/);
  });

  test("a phone-only user stores the primary phone and no email", async () => {
    const t = initConvexTest();
    const payload = userCreated({
      email: null,
      first_name: null,
      last_name: null,
      primary_phone_number_id: "idn_phone2",
      phone_numbers: [
        { id: "idn_phone1", phone_number: "+15550000001" },
        { id: "idn_phone2", phone_number: "+15550000002" },
      ] as never,
    });
    expect((await deliver(t, payload)).status).toBe(200);
    expect(await getUser(t, payload.data.id)).toMatchObject({
      email: null,
      emailVerified: false,
      phone: "+15550000002",
      name: payload.data.id,
    });
  });

  test("the primary email is found by id, not by position", async () => {
    const t = initConvexTest();
    const payload = userCreated({
      primary_email_address_id: "idn_second",
      email_addresses: [
        { id: "idn_first", email_address: "old@example.org", verification: { status: "verified" } },
        { id: "idn_second", email_address: "new@example.org", verification: { status: "unverified" } },
      ] as never,
    });
    await deliver(t, payload);
    expect(await getUser(t, payload.data.id)).toMatchObject({ email: "new@example.org", emailVerified: false });
  });

  test("a web3-only user with empty arrays and missing optional fields", async () => {
    const t = initConvexTest();
    const data = {
      id: "user_web3",
      object: "user",
      web3_wallets: [{ id: "idn_w", web3_wallet: "0x0000000000000000000000000000000000000001" }],
      primary_web3_wallet_id: "idn_w",
      email_addresses: [],
      phone_numbers: [],
      updated_at: 5,
    };
    expect((await deliver(t, { type: "user.created", object: "event", data })).status).toBe(200);
    expect(await getUser(t, "user_web3")).toMatchObject({
      name: "user_web3",
      email: null,
      imageUrl: null,
      createdAt: 0,
      updatedAt: 5,
      lastSignInAt: null,
      banned: false,
    });
  });

  test("metadata of any JSON shape: a Convex-safe object a host can return as is, and the exact JSON", async () => {
    const t = initConvexTest();
    const metadata = {
      $schema: "x",
      名前: "値",
      "": "empty key",
      "50%": true,
      _private: 1,
      nested: { $ref: [1, 2.5, null, true, { ü: [] }] },
      big: 2 ** 60,
    };
    const payload = userCreated({ public_metadata: metadata as never });
    expect((await deliver(t, payload)).status).toBe(200);
    // `t.run` passes its result through Convex's value encoding, as a host query's return would.
    const user = await getUser(t, payload.data.id);
    expect(user?.publicMetadata).toEqual({
      "": "empty key",
      "%24schema": "x",
      "%E5%90%8D%E5%89%8D": "値",
      "50%25": true,
      _private: 1,
      nested: { "%24ref": [1, 2.5, null, true, { "%C3%BC": [] }] },
      big: 2 ** 60,
    });
    expect(JSON.parse(user!.publicMetadataJson)).toEqual(metadata);
  });

  test("private and unsafe metadata are not stored", async () => {
    const t = initConvexTest();
    const payload = userCreated({
      private_metadata: { stripeKey: "sk_secret_value" } as never,
      unsafe_metadata: { clientWritten: "tampered" } as never,
    });
    await deliver(t, payload);
    const rows = await inComponent(t, (ctx) => ctx.db.query("users").collect());
    expect(JSON.stringify(rows)).not.toMatch(/sk_secret_value|tampered/);
  });

  test("non-object metadata and wrongly typed fields are tolerated", async () => {
    const t = initConvexTest();
    const payload = userCreated({
      public_metadata: null as never,
      first_name: 42 as never,
      banned: "yes" as never,
      updated_at: "soon" as never,
      created_at: 10,
    });
    expect((await deliver(t, payload)).status).toBe(200);
    expect(await getUser(t, payload.data.id)).toMatchObject({
      publicMetadata: {},
      firstName: null,
      banned: false,
      updatedAt: 10,
    });
  });

  test("unknown event types are acknowledged and ignored", async () => {
    const t = initConvexTest();
    const types = [
      "session.created",
      "organizationDomain.created",
      "user.exploded",
      "constructor",
      "__proto__",
      "toString",
    ];
    for (const type of types) {
      const res = await deliver(t, { type, object: "event", data: { id: "x" } });
      expect(res).toMatchObject({ status: 200, body: { outcome: "ignored" } });
    }
    expect(await inComponent(t, async (ctx) => (await ctx.db.query("deliveries").collect()).length)).toBe(0);
  });

  test("a deleted-object payload without id is acknowledged and ignored", async () => {
    const t = initConvexTest();
    const res = await deliver(t, { type: "user.deleted", object: "event", data: { object: "user", deleted: true } });
    expect(res).toMatchObject({ status: 200, body: { outcome: "ignored" } });
  });
});

describe("logs", () => {
  test("say what became of each delivery without personal data or secrets", async () => {
    const t = initConvexTest();
    const user = clerkUser({ email: "ada.private@example.org", first_name: "Adaprivate", phone_numbers: [] });
    const created = await deliver(t, { type: "user.created", object: "event", data: user });
    await deliver(t, { type: "user.created", object: "event", data: user }, { id: created.svixId });
    await deliver(t, userDeleted(user.id));
    await deliver(t, { type: "session.created", object: "event", data: {} });
    const all = logs.join("\n");
    expect(all).toContain(`inserted ${created.svixId} user.created`);
    expect(all).toContain(`duplicate ${created.svixId} user.created`);
    expect(all).toMatch(/deleted msg_\w+ user\.deleted/);
    expect(all).toMatch(/ignored msg_\w+ session\.created/);
    expect(all).not.toMatch(/ada\.private|Adaprivate|whsec_/);
  });
});
