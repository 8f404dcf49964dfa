// @vitest-environment node
// The heartbeat end to end: set up in the stand-in for Clerk, sent through its metadata endpoint,
// and recognised on its way back before any user logic: never a user, a hook call, a listed user
// or a backfill count.
import { describe, expect, test, vi } from "vitest";
import { userUpdated } from "convex-clerk-sync/test";
import { ClerkSync } from "convex-clerk-sync";
import { components } from "../example/convex/_generated/api";
import { HEARTBEAT_METADATA_KEY } from "../src/client/heartbeatMarker";
import { clerkApi, drain, initUsersBackfillApp, startUsersBackfill, useClerkApiStandIn } from "./backfillSetup";
import {
  heartbeatReturns,
  heartbeatStatus,
  heartbeatUserId,
  roundTrip,
  sendHeartbeat,
  setUpHeartbeat,
  userRows,
} from "./heartbeatSetup";
import { deliver, inComponent, type TestApp } from "./setup";

useClerkApiStandIn();

const page = { numItems: 10, cursor: null };
const profiles = (t: TestApp) => t.run((ctx) => ctx.db.query("profiles").collect());

describe("the heartbeat", () => {
  test("set up, sent through Clerk's metadata endpoint, and recorded as a round trip, never as a user", async () => {
    const t = initUsersBackfillApp();
    expect(await heartbeatStatus(t)).toBeNull();
    const { userId, created } = await setUpHeartbeat(t);
    expect(created).toBe(true);
    expect(clerkApi.users.get(userId)?.private_metadata).toEqual({ [HEARTBEAT_METADATA_KEY]: { nonce: "" } });
    // The new user's user.created delivery carries the marker: answered, never stored.
    const createdDelivery = await deliver(t, {
      type: "user.created",
      object: "event",
      data: clerkApi.users.get(userId),
    });
    expect(createdDelivery).toMatchObject({ status: 200, body: { outcome: "heartbeat", heartbeat: "stale" } });

    expect(await sendHeartbeat(t)).toEqual({ sentAt: Date.now() });
    const patch = clerkApi.requests.filter((r) => r.method === "PATCH");
    expect(patch.map((r) => r.path)).toEqual([`/v1/users/${userId}/metadata`]);
    vi.setSystemTime(Date.now() + 1500);
    const returned = await heartbeatReturns(t);
    expect(returned).toMatchObject({ status: 200, body: { outcome: "heartbeat", heartbeat: "returned" } });
    expect((await heartbeatReturns(t)).body).toEqual({ outcome: "heartbeat", heartbeat: "duplicate" });

    const status = await heartbeatStatus(t);
    expect(status?.roundTrips).toEqual([
      { sentAt: expect.any(Number), deliveredAt: expect.any(Number), latencyMs: 1500, error: null },
    ]);
    expect(await userRows(t)).toEqual([]);
    expect(await profiles(t)).toEqual([]);
    const listed = await t.query((ctx) => new ClerkSync(components.clerk).listUsers(ctx, { paginationOpts: page }));
    expect(listed.page).toEqual([]);
    const deliveries = await inComponent(t, (ctx) => ctx.db.query("deliveries").collect());
    expect(deliveries).toEqual([]);
  });

  test("another deployment's heartbeat and a stale nonce: answered 200, nothing stored", async () => {
    const t = initUsersBackfillApp();
    const userId = (await setUpHeartbeat(t)).userId;
    const other = clerkApi.updateUser(userId, {
      private_metadata: { [HEARTBEAT_METADATA_KEY]: { nonce: "0123456789abcdef.feedface" } },
    });
    expect((await deliver(t, userUpdated({ ...other }))).body).toEqual({ outcome: "heartbeat", heartbeat: "foreign" });
    await roundTrip(t);
    const prefix = (await inComponent(t, (ctx) => ctx.db.query("heartbeatSettings").first()))!.deploymentId;
    const stale = clerkApi.updateUser(userId, {
      private_metadata: { [HEARTBEAT_METADATA_KEY]: { nonce: `${prefix}.long-gone` } },
    });
    expect(await deliver(t, userUpdated({ ...stale }))).toMatchObject({
      status: 200,
      body: { outcome: "heartbeat", heartbeat: "stale" },
    });
    expect(await userRows(t)).toEqual([]);
    expect((await heartbeatStatus(t))?.roundTrips).toHaveLength(1);
  });

  test("a pass lists the heartbeat user and never stores or counts it; the pass ends done", async () => {
    const t = initUsersBackfillApp();
    clerkApi.addUsers(3);
    await setUpHeartbeat(t);
    await roundTrip(t);
    await startUsersBackfill(t);
    const full = await drain(t);
    expect(full).toMatchObject({
      status: "done",
      counts: { byKind: { users: { seen: 4, inserted: 3, repaired: 0 } } },
    });
    vi.setSystemTime(Date.now() + 60 * 60_000);
    await roundTrip(t);
    await startUsersBackfill(t, "incremental");
    const incremental = await drain(t);
    expect(incremental).toMatchObject({ status: "done", mode: "incremental" });
    expect(incremental?.counts.byKind.users).toMatchObject({ inserted: 0, updated: 0, repaired: 0 });
    const stored = (await userRows(t)).map((row) => row.clerkId);
    expect(stored).toHaveLength(3);
    expect(stored).not.toContain(await heartbeatUserId(t));
  });

  test("bad set-ups: no secret key, not set up, an instance that refuses the user, an unknown user id", async () => {
    const t = initUsersBackfillApp();
    await expect(sendHeartbeat(t)).rejects.toThrow(/HEARTBEAT_NOT_SET_UP|not set up: run its setUp action once/);
    clerkApi.setEmailRequired(true);
    const refused = await setUpHeartbeat(t).catch((error: { data: unknown }) => error.data);
    expect(refused).toMatchObject({
      code: "HEARTBEAT_USER_REFUSED",
      message: expect.stringContaining("Clerk answered 422: form_data_missing email_address"),
    });
    expect(clerkApi.users.size).toBe(0);
    const withEmail = await setUpHeartbeat(t, { emailAddress: "heartbeat@acme.example" });
    expect(clerkApi.users.get(withEmail.userId)).toBeDefined();
    const unknown = await setUpHeartbeat(t, { userId: "user_nobody" }).catch((error: { data: unknown }) => error.data);
    expect(unknown).toMatchObject({ code: "HEARTBEAT_USER_NOT_FOUND" });
    delete process.env.CLERK_SECRET_KEY;
    const noKey = await sendHeartbeat(t).catch((error: { data: unknown }) => error.data);
    expect(noKey).toMatchObject({
      code: "HEARTBEAT_NO_SECRET_KEY",
      message: expect.stringContaining("CLERK_SECRET_KEY"),
    });
    // Nothing was begun without a key: no round trip to count as missing.
    expect((await heartbeatStatus(t))?.roundTrips).toEqual([]);
  });

  test("a host's own user named as the heartbeat user; deleted in Clerk, the send says so", async () => {
    const t = initUsersBackfillApp();
    const [mine] = clerkApi.addUsers(1);
    expect(await setUpHeartbeat(t, { userId: mine!.id })).toEqual({ userId: mine!.id, created: false });
    clerkApi.users.delete(mine!.id);
    const gone = await sendHeartbeat(t).catch((error: { data: unknown }) => error.data);
    expect(gone).toMatchObject({ code: "HEARTBEAT_USER_NOT_FOUND" });
    expect((await heartbeatStatus(t))?.roundTrips).toEqual([
      expect.objectContaining({ deliveredAt: null, error: expect.stringContaining("Clerk answered 404") }),
    ]);
  });
});
