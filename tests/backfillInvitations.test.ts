// @vitest-environment node
// Full passes with organizations: the instance's invitations, listed after the memberships and reconciled.
import { describe, expect, test, vi } from "vitest";
import { invitationCreated } from "convex-clerk-sync/test";
import { internal } from "../example/convex/_generated/api";
import { clerkApi, drain, startWithPageSize, useClerkApiStandIn } from "./backfillSetup";
import { deliver, inComponent, initConvexTest, type TestApp } from "./setup";

useClerkApiStandIn();

const DAY = 24 * 60 * 60 * 1000;

const stored = (t: TestApp) =>
  inComponent(t, async (ctx) =>
    (await ctx.db.query("invitations").collect()).map((i) => [i.invitationId, i.status] as const).sort(),
  );

describe("backfill of organization invitations", () => {
  test("every invitation in every status, by offset; a status Clerk changed without an event is taken", async () => {
    const t = initConvexTest();
    const acme = clerkApi.addOrganization({ name: "Acme" });
    const globex = clerkApi.addOrganization({ name: "Globex" });
    const pending = clerkApi.addInvitation(acme.id, { email_address: "a@example.org" });
    const expired = clerkApi.addInvitation(acme.id, { email_address: "b@example.org" });
    const accepted = clerkApi.addInvitation(globex.id, { status: "accepted", user_id: "user_c" });
    // The webhook brought it while pending; Clerk lists it expired, with the same `updated_at`.
    await deliver(t, invitationCreated({ ...expired, orgId: acme.id }));
    clerkApi.invitations.set(expired.id, { ...expired, status: "expired" });

    await startWithPageSize(t, 2, "full", "example");
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { byKind: { invitations: { seen: 3, inserted: 2, updated: 1, unchanged: 0 } } },
    });
    expect(await stored(t)).toEqual(
      [
        [pending.id, "pending"],
        [expired.id, "expired"],
        [accepted.id, "accepted"],
      ].sort(),
    );
    const lists = clerkApi.requests.filter((r) => r.path.startsWith("/v1/organization_invitations?"));
    expect(lists.length).toBeGreaterThanOrEqual(2);
    expect(lists.every((r) => r.path.includes("order_by=%2Bcreated_at"))).toBe(true);
  });

  test("reconciliation: invitations Clerk no longer has go; a deleted organization's go with it", async () => {
    const t = initConvexTest();
    const acme = clerkApi.addOrganization({ name: "Acme" });
    const globex = clerkApi.addOrganization({ name: "Globex" });
    const kept = clerkApi.addInvitation(acme.id);
    const lost = clerkApi.addInvitation(acme.id);
    const withGlobex = clerkApi.addInvitation(globex.id);
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({ status: "done", counts: { byKind: { invitations: { seen: 3 } } } });

    // Gone from Clerk with no webhook: one invitation, and Globex with its invitation.
    clerkApi.invitations.delete(lost.id);
    clerkApi.deleteOrganization(globex.id);
    vi.advanceTimersByTime(60 * 60 * 1000);
    const before = clerkApi.requests.length;
    await t.mutation(internal.backfill.start, {});
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { byKind: { organizations: { deleted: 1 }, invitations: { seen: 1, deleted: 1 } } },
    });
    expect(await stored(t)).toEqual([[kept.id, "pending"]]);
    const tombstones = await inComponent(t, (ctx) => ctx.db.query("tombstones").collect());
    expect(tombstones.map((row) => row.objectId).sort()).toEqual([lost.id, globex.id, withGlobex.id].sort());
    // Confirmed with Clerk: the lost one by id; Globex's went with Globex, unasked.
    const paths = clerkApi.requests.slice(before).map((r) => r.path);
    expect(paths.filter((path) => path.includes("/invitations/"))).toEqual([
      `/v1/organizations/${acme.id}/invitations/${lost.id}`,
    ]);
  });

  test("an expiry is no repair (Clerk sends no event for it); an acceptance whose webhook never came is", async () => {
    const t = initConvexTest();
    const acme = clerkApi.addOrganization({ name: "Acme" });
    const expiring = clerkApi.addInvitation(acme.id, { created_at: Date.now(), updated_at: Date.now() });
    const accepted = clerkApi.addInvitation(acme.id, { created_at: Date.now(), updated_at: Date.now() });
    for (const invitation of [expiring, accepted])
      await deliver(t, invitationCreated({ ...invitation, orgId: acme.id }));

    vi.advanceTimersByTime(31 * DAY);
    clerkApi.invitations.set(expiring.id, { ...expiring, status: "expired", updated_at: Date.now() - DAY });
    const acceptedAt = Date.now() - 2 * DAY;
    clerkApi.invitations.set(accepted.id, {
      ...accepted,
      status: "accepted",
      user_id: "user_c",
      updated_at: acceptedAt,
    });
    await startWithPageSize(t, 10, "full", "example");
    expect(await drain(t)).toMatchObject({
      status: "done",
      counts: { byKind: { invitations: { seen: 2, updated: 2, repaired: 1, lastMissed: acceptedAt } } },
    });
  });
});
