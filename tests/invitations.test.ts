import { describe, expect, test, vi } from "vitest";
import { ClerkSync } from "convex-clerk-sync";
import {
  invitationAccepted,
  invitationCreated,
  invitationRevoked,
  organizationCreated,
  organizationDeleted,
} from "convex-clerk-sync/test";
import { components } from "../example/convex/_generated/api";
import created from "./fixtures/openapi-organizationInvitation.created.json";
import accepted from "./fixtures/openapi-organizationInvitation.accepted.json";
import revoked from "./fixtures/openapi-organizationInvitation.revoked.json";
import { hookCalls } from "./support/writeThroughHost";
import { deliver, inComponent, initConvexTest, RECORDING_HOOKS, type TestApp } from "./setup";

const clerk = new ClerkSync(components.clerk);
const ORG = "org_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
const INVITATION = "orginv_2g7np7Hrk0SN6kj5EDMLDaKNL0S";

const list = (t: TestApp, orgId: string, status?: string, numItems = 10, cursor: string | null = null) =>
  t.query((ctx) =>
    clerk.listInvitations(ctx, orgId, { ...(status ? { status } : {}), paginationOpts: { numItems, cursor } }),
  );
const invitationRows = (t: TestApp) => inComponent(t, (ctx) => ctx.db.query("invitations").collect());

describe("organization invitations from Clerk's webhooks", () => {
  test("Clerk's documented payloads: created, accepted (who accepted), a late revoked is stale", async () => {
    const t = initConvexTest();
    expect((await deliver(t, created)).body.outcome).toBe("inserted");
    expect((await list(t, ORG, "pending")).page).toEqual([
      {
        invitationId: INVITATION,
        orgId: ORG,
        emailAddress: "jane.doe@acme.com",
        role: "org:member",
        status: "pending",
        inviterId: null,
        userId: null,
        publicMetadata: {},
        publicMetadataJson: "{}",
        expiresAt: 1717487999000,
        createdAt: 1716883200000,
        updatedAt: 1716883200000,
      },
    ]);
    expect((await deliver(t, accepted)).body.outcome).toBe("updated");
    // Clerk's example revokes with the same updated_at as the acceptance: a final status stays.
    expect((await deliver(t, revoked)).body.outcome).toBe("unchanged");
    const [row] = (await list(t, ORG)).page;
    expect(row).toMatchObject({ status: "accepted", userId: "user_2h8op3Isl1QR7tKu5FGNfaLKEoU" });
    expect((await list(t, ORG, "pending")).page).toEqual([]);
    // The invitation's sign-up ticket and private metadata are not kept.
    expect(JSON.stringify(await invitationRows(t))).not.toContain("accept-invitation");
  });

  test("newer wins; a final status (revoked, expired) is never undone by a pending snapshot", async () => {
    const t = initConvexTest(RECORDING_HOOKS);
    const base = { id: "orginv_a", orgId: "org_a", created_at: 1_000, updated_at: 1_000 };
    expect((await deliver(t, invitationRevoked({ ...base, updated_at: 2_000 }))).body.outcome).toBe("inserted");
    expect((await deliver(t, invitationCreated(base))).body.outcome).toBe("stale");
    expect((await list(t, "org_a")).page.map((i) => i.status)).toEqual(["revoked"]);

    // An expired invitation read with the `updated_at` it had while pending (Clerk may not bump it).
    const other = { id: "orginv_b", orgId: "org_a", created_at: 1_500, updated_at: 1_500 };
    expect((await deliver(t, invitationCreated(other))).body.outcome).toBe("inserted");
    expect((await deliver(t, invitationCreated({ ...other, status: "expired" }))).body.outcome).toBe("updated");
    expect((await deliver(t, invitationCreated(other))).body.outcome).toBe("unchanged");
    expect((await list(t, "org_a", "expired")).page.map((i) => i.invitationId)).toEqual(["orginv_b"]);
    expect((await hookCalls(t)).filter((call) => call.startsWith("inv."))).toEqual([
      "inv.created:webhook:revoked",
      "inv.created:webhook:pending",
      "inv.updated:webhook:pending->expired",
    ]);
  });

  test("listInvitations pages by index range, newest first, by status", async () => {
    const t = initConvexTest();
    for (let i = 0; i < 5; i++) {
      const fields = { id: `orginv_${i}`, orgId: "org_p", created_at: 1_000 + i, updated_at: 1_000 + i };
      await deliver(
        t,
        i % 2 === 0 ? invitationCreated(fields) : invitationAccepted({ ...fields, user_id: `user_${i}` }),
      );
    }
    await deliver(t, invitationCreated({ id: "orginv_other", orgId: "org_other" }));
    const first = await list(t, "org_p", undefined, 2);
    const second = await list(t, "org_p", undefined, 2, first.continueCursor);
    const third = await list(t, "org_p", undefined, 2, second.continueCursor);
    expect([first, second, third].map((p) => p.page.map((i) => i.invitationId))).toEqual([
      ["orginv_4", "orginv_3"],
      ["orginv_2", "orginv_1"],
      ["orginv_0"],
    ]);
    expect(third.isDone).toBe(true);
    expect((await list(t, "org_p", "pending")).page.map((i) => i.invitationId)).toEqual([
      "orginv_4",
      "orginv_2",
      "orginv_0",
    ]);
    expect((await list(t, "org_p", "accepted")).page.map((i) => i.userId)).toEqual(["user_3", "user_1"]);
  });

  test("a deleted organization's invitations go with it, and stay gone", async () => {
    vi.useFakeTimers();
    const t = initConvexTest(RECORDING_HOOKS);
    await deliver(t, organizationCreated({ id: "org_gone" }));
    await deliver(t, invitationCreated({ id: "orginv_1", orgId: "org_gone" }));
    await deliver(t, invitationCreated({ id: "orginv_2", orgId: "org_gone" }));
    expect((await deliver(t, organizationDeleted("org_gone"))).body.outcome).toBe("deleted");
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await invitationRows(t)).toEqual([]);
    expect((await hookCalls(t)).filter((call) => call.startsWith("inv.deleted"))).toHaveLength(2);
    // A late snapshot of one of them, or a new one for the deleted organization, is stale.
    const late = invitationRevoked({ id: "orginv_1", orgId: "org_gone", updated_at: Date.now() + 1000 });
    expect((await deliver(t, late)).body.outcome).toBe("stale");
    expect((await deliver(t, invitationCreated({ orgId: "org_gone" }))).body.outcome).toBe("stale");
  });

  test("a payload without an organization or an address is refused with 400", async () => {
    const t = initConvexTest();
    const noEmail = invitationCreated({ email_address: null });
    expect(await deliver(t, noEmail)).toMatchObject({
      status: 400,
      body: { error: "organizationInvitation.created without an organization id or email address" },
    });
    const noOrg = invitationCreated({ organization_id: "" });
    expect((await deliver(t, noOrg)).status).toBe(400);
    expect(await invitationRows(t)).toEqual([]);
  });
});
