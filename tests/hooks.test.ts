import { beforeEach, describe, expect, test, vi } from "vitest";
import {
  membershipCreated,
  membershipUpdated,
  organizationCreated,
  organizationDeleted,
  organizationUpdated,
  userCreated,
  userDeleted,
  userUpdated,
} from "convex-clerk-sync/test";
import { api } from "../example/convex/_generated/api";
import { failing } from "./support/recordingHooks";
import { deliver, inComponent, initConvexTest, type TestApp, RECORDING_HOOKS } from "./setup";

const initRecordingApp = () => initConvexTest(RECORDING_HOOKS);

const hookCalls = (t: TestApp) =>
  t.run(async (ctx) => (await ctx.db.query("profiles").collect()).map((p) => p.displayName));
const count = (t: TestApp, table: "users" | "deliveries" | "tombstones") =>
  inComponent(t, async (ctx) => (await ctx.db.query(table).collect()).length);

beforeEach(() => {
  failing.enabled = false;
});

describe("lifecycle hooks", () => {
  test("run once per real change with the normalized user, the previous version and the source", async () => {
    const t = initRecordingApp();
    const id = "user_hooks";
    await deliver(t, userCreated({ id, first_name: "Ada", last_name: null, updated_at: 1000 }));
    await deliver(t, userUpdated({ id, first_name: "Grace", last_name: null, updated_at: 2000 }));
    await deliver(t, userDeleted(id));
    expect(await hookCalls(t)).toEqual(["created:webhook:Ada", "updated:webhook:Ada->Grace", "deleted:webhook:Grace"]);
  });

  test("a duplicate, a stale or an unchanged delivery, or an ignored event, runs no hook", async () => {
    const t = initRecordingApp();
    const id = "user_quiet";
    await deliver(t, userCreated({ id, first_name: "Ada", updated_at: 2000 }), { id: "msg_1" });
    await deliver(t, userCreated({ id, first_name: "Ada", updated_at: 2000 }), { id: "msg_1" }); // duplicate
    await deliver(t, userCreated({ id, first_name: "Ada", updated_at: 2000 })); // unchanged
    await deliver(t, userUpdated({ id, first_name: "Old", updated_at: 1000 })); // stale
    await deliver(t, { type: "session.created", object: "event", data: { id: "sess_1" } }); // ignored
    await deliver(t, userDeleted("user_never_synced")); // tombstone only
    expect(await hookCalls(t)).toHaveLength(1);
  });

  test("a throwing hook rolls back the whole delivery, answers 5xx, and the retry applies it once", async () => {
    const t = initRecordingApp();
    const payload = userCreated({ id: "user_retry", first_name: "Ada", last_name: null, updated_at: 1000 });
    failing.enabled = true;
    const failed = await deliver(t, payload, { id: "msg_retry" });
    expect(failed.status).toBe(500);
    expect(await hookCalls(t)).toEqual([]); // the hook's own write is rolled back too
    expect(await count(t, "users")).toBe(0);
    expect(await count(t, "deliveries")).toBe(0);

    failing.enabled = false;
    const retried = await deliver(t, payload, { id: "msg_retry" });
    expect(retried).toMatchObject({ status: 200, body: { outcome: "inserted" } });
    expect(await deliver(t, payload, { id: "msg_retry" })).toMatchObject({ body: { outcome: "duplicate" } });
    expect(await hookCalls(t)).toEqual(["created:webhook:Ada"]);
  });

  test("a throwing delete hook keeps the user and writes no tombstone", async () => {
    const t = initRecordingApp();
    await deliver(t, userCreated({ id: "user_keep", updated_at: 1000 }));
    failing.enabled = true;
    expect((await deliver(t, userDeleted("user_keep"))).status).toBe(500);
    expect(await count(t, "users")).toBe(1);
    expect(await count(t, "tombstones")).toBe(0);
  });
});

describe("organization hooks", () => {
  test("run once per real change, cascades included; a throwing hook rolls the delivery back", async () => {
    vi.useFakeTimers();
    const t = initRecordingApp();
    await deliver(t, organizationCreated({ id: "org_h", name: "Acme", updated_at: 10 }), { id: "msg_org" });
    await deliver(t, organizationCreated({ id: "org_h", name: "Acme", updated_at: 10 }), { id: "msg_org" }); // duplicate
    await deliver(t, organizationUpdated({ id: "org_h", name: "Acme Inc", updated_at: 20 }));
    await deliver(t, organizationUpdated({ id: "org_h", name: "Old", updated_at: 15 })); // stale
    const member = { id: "orgmem_h", orgId: "org_h", userId: "user_h" };
    await deliver(t, membershipCreated({ ...member, role: "org:member", updated_at: 1 }));
    await deliver(t, membershipUpdated({ ...member, role: "org:admin", updated_at: 2 }));

    failing.enabled = true;
    expect((await deliver(t, organizationDeleted("org_h"))).status).toBe(500);
    expect(await count(t, "tombstones")).toBe(0);
    failing.enabled = false;
    expect((await deliver(t, organizationDeleted("org_h"))).body.outcome).toBe("deleted");
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await hookCalls(t)).toEqual([
      "org.created:webhook:Acme",
      "org.updated:Acme->Acme Inc",
      "mem.created:user_h:org:member",
      "mem.updated:org:member->org:admin",
      "org.deleted:Acme Inc",
      "mem.deleted:webhook:user_h",
    ]);
    vi.useRealTimers();
  });
});

describe("the example app's profiles follow its users", () => {
  test("created, renamed and deleted with the user; the user's notes are deleted in batches", async () => {
    vi.useFakeTimers();
    const t = initConvexTest();
    const id = "user_profile";
    await deliver(t, userCreated({ id, first_name: "Ada", last_name: "Lovelace", updated_at: 1000 }));
    expect(await t.query(api.profiles.get, { clerkId: id })).toMatchObject({ displayName: "Ada Lovelace" });
    await deliver(t, userUpdated({ id, first_name: "Ada", last_name: "King", updated_at: 2000 }));
    expect(await t.query(api.profiles.get, { clerkId: id })).toMatchObject({ displayName: "Ada King" });

    await t.run(async (ctx) => {
      for (let i = 0; i < 450; i++) await ctx.db.insert("notes", { authorId: id, text: `note ${i}` });
    });
    await deliver(t, userDeleted(id));
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await t.query(api.profiles.get, { clerkId: id })).toBeNull();
    expect(await t.run(async (ctx) => (await ctx.db.query("notes").collect()).length)).toBe(0);
    vi.useRealTimers();
  });
});
