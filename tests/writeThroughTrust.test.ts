// @vitest-environment node
// A write-through sends only the ids asked for, stores only the object asked for, and lets no
// secret key out in what it throws.
import { ConvexError } from "convex/values";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { organizationCreated, userCreated } from "convex-clerk-sync/test";
import type { ClerkApiStandIn } from "./support/clerkApiStandIn";
import { startScriptedClerk, type ScriptedClerk } from "./support/scriptedClerk";
import {
  clerk,
  clerkErrorOf,
  deliverEcho,
  hookCalls,
  SECRET_KEY,
  startWriteThroughHost,
  syncedRows,
} from "./support/writeThroughHost";
import { deliver, type TestApp } from "./setup";

let t: TestApp;
let clerkApi: ClerkApiStandIn;
let scripted: ScriptedClerk;
let [userA, userB, orgA, orgB] = ["", "", "", ""];
let memberships: { a: Record<string, unknown>; b: Record<string, unknown> };

beforeEach(async () => {
  ({ t, clerkApi } = await startWriteThroughHost());
  scripted = await startScriptedClerk();
  const [a, b] = clerkApi.addUsers(2);
  const [acme, globex] = [clerkApi.addOrganization({ name: "Acme" }), clerkApi.addOrganization({ name: "Globex" })];
  [userA, userB, orgA, orgB] = [a!.id, b!.id, acme.id, globex.id];
  memberships = { a: clerkApi.addMembership(orgA, userA), b: clerkApi.addMembership(orgA, userB) };
  // Clerk's A and both organizations and memberships are synced; B's user row is not.
  for (const payload of [userCreated(a), organizationCreated(acme), organizationCreated(globex)]) {
    await deliver(t, payload);
  }
  for (const m of Object.values(memberships)) await deliverEcho(t, "organizationMembership.created", m);
});
afterEach(async () => {
  await clerkApi.close();
  await scripted.close();
});

/** The code of the ConvexError `run` throws. */
const codeOf = async (run: () => Promise<unknown>) => (await clerkErrorOf(run)).code;

describe("write-through: an id that is not a Clerk id of its kind is refused before any request", () => {
  test("ids with /, ?, #, %, .., or of another kind: INVALID_ID, nothing sent, nothing written", async () => {
    const before = await syncedRows(t);
    const hooksBefore = await hookCalls(t);
    const refused = [
      () => t.action((ctx) => clerk.updateUserMetadata(ctx, `${userA}#x`, { publicMetadata: { a: 1 } })),
      () => t.action((ctx) => clerk.deleteUser(ctx, `${userA}/mfa`)),
      () => t.action((ctx) => clerk.deleteUser(ctx, `${userA}#x`)),
      () => t.action((ctx) => clerk.banUser(ctx, `${userA}?x=1`)),
      () => t.action((ctx) => clerk.banUser(ctx, "")),
      () => t.action((ctx) => clerk.banUser(ctx, "..")),
      () => t.action((ctx) => clerk.lockUser(ctx, "user_%2F..")),
      () => t.action((ctx) => clerk.unbanUser(ctx, orgA)),
      () => t.action((ctx) => clerk.updateOrganization(ctx, `${orgA}/memberships`, { name: "x" })),
      () => t.action((ctx) => clerk.deleteOrganization(ctx, userA)),
      () => t.action((ctx) => clerk.createOrganization(ctx, { name: "Initech", createdBy: "user_x?y" })),
      () => t.action((ctx) => clerk.addMember(ctx, { orgId: orgA, userId: `${userB}/x`, role: "org:member" })),
      () => t.action((ctx) => clerk.removeMember(ctx, { orgId: `${orgA}#`, userId: userA })),
      () => t.action((ctx) => clerk.createInvitation(ctx, { orgId: "org_..", emailAddress: "a@b.c", role: "org:x" })),
      () => t.action((ctx) => clerk.revokeInvitation(ctx, { orgId: orgA, invitationId: "orginv_x/../y" })),
    ];
    for (const run of refused) expect(await codeOf(run)).toBe("INVALID_ID");
    expect(await clerkErrorOf(refused[1]!)).toMatchObject({
      status: null,
      message: expect.stringMatching(/^userId "user_\w+\/mfa" is not a Clerk id \(user_ /),
    });
    expect(clerkApi.requests).toEqual([]);
    expect(await syncedRows(t)).toEqual(before);
    expect(await hookCalls(t)).toEqual(hooksBefore);
  });
});

describe("write-through: an answer about another object than the one asked for is not stored", () => {
  beforeEach(() => {
    process.env.CLERK_API_URL = scripted.url;
  });

  test("a user, an organization, a deletion: CLERK_ANSWER_MISMATCH, nothing written", async () => {
    const before = await syncedRows(t);
    const hooksBefore = await hookCalls(t);
    scripted.answer(() => ({ status: 200, body: clerkApi.users.get(userB) }));
    expect(
      await clerkErrorOf(() => t.action((ctx) => clerk.updateUserMetadata(ctx, userA, { publicMetadata: { x: 1 } }))),
    ).toMatchObject({ code: "CLERK_ANSWER_MISMATCH", message: expect.stringContaining(`not the user "${userA}"`) });
    expect(await codeOf(() => t.action((ctx) => clerk.banUser(ctx, userA)))).toBe("CLERK_ANSWER_MISMATCH");
    scripted.answer(() => ({ status: 200, body: clerkApi.organizations.get(orgB) }));
    expect(await codeOf(() => t.action((ctx) => clerk.updateOrganization(ctx, orgA, { name: "A" })))).toBe(
      "CLERK_ANSWER_MISMATCH",
    );
    scripted.answer(() => ({ status: 200, body: { object: "user", id: userB, deleted: true } }));
    expect(await codeOf(() => t.action((ctx) => clerk.deleteUser(ctx, userA)))).toBe("CLERK_ANSWER_MISMATCH");
    scripted.answer(() => ({ status: 200, body: { object: "organization", id: orgB, deleted: true } }));
    expect(await codeOf(() => t.action((ctx) => clerk.deleteOrganization(ctx, orgA)))).toBe("CLERK_ANSWER_MISMATCH");

    expect(scripted.requests.map((r) => r.method)).toEqual(["PATCH", "POST", "PATCH", "DELETE", "DELETE"]);
    expect(await syncedRows(t)).toEqual(before);
    expect(await hookCalls(t)).toEqual(hooksBefore);
  });

  test("memberships: another user's or organization's is not stored; removeMember removes only the one asked", async () => {
    const before = await syncedRows(t);
    const hooksBefore = await hookCalls(t);
    // Asked to remove A from Acme, Clerk answers B's membership of Acme.
    scripted.answer(() => ({ status: 200, body: memberships.b }));
    const removed = await clerkErrorOf(() =>
      t.action((ctx) => clerk.removeMember(ctx, { orgId: orgA, userId: userA })),
    );
    expect(removed).toMatchObject({ code: "CLERK_ANSWER_MISMATCH", message: expect.stringContaining(userB) });
    expect(
      await codeOf(() =>
        t.action((ctx) => clerk.updateMemberRole(ctx, { orgId: orgA, userId: userA, role: "org:admin" })),
      ),
    ).toBe("CLERK_ANSWER_MISMATCH");
    // Asked to add B to Globex, Clerk answers B's membership of Acme.
    expect(
      await codeOf(() => t.action((ctx) => clerk.addMember(ctx, { orgId: orgB, userId: userB, role: "org:member" }))),
    ).toBe("CLERK_ANSWER_MISMATCH");
    expect(await syncedRows(t)).toEqual(before);
    expect(await hookCalls(t)).toEqual(hooksBefore);

    // The answer for the membership asked for is applied as before.
    scripted.answer(() => ({ status: 200, body: memberships.a }));
    await t.action((ctx) => clerk.removeMember(ctx, { orgId: orgA, userId: userA }));
    const members = await t.query((ctx) =>
      clerk.listMembers(ctx, orgA, { paginationOpts: { numItems: 10, cursor: null } }),
    );
    expect(members.page.map((m) => m.clerkId)).toEqual([userB]);
  });

  test("invitations: one for another organization, invitation or address is not stored", async () => {
    const before = await syncedRows(t);
    const invited = { orgId: orgA, emailAddress: "ada@example.org", role: "org:member" };
    scripted.answer(() => ({ status: 200, body: clerkApi.addInvitation(orgB, { email_address: "ada@example.org" }) }));
    expect(await codeOf(() => t.action((ctx) => clerk.createInvitation(ctx, invited)))).toBe("CLERK_ANSWER_MISMATCH");
    const other = clerkApi.addInvitation(orgA, { email_address: "eve@example.org" });
    scripted.answer(() => ({ status: 200, body: other }));
    expect(await codeOf(() => t.action((ctx) => clerk.createInvitation(ctx, invited)))).toBe("CLERK_ANSWER_MISMATCH");
    const asked = clerkApi.addInvitation(orgA, { email_address: "ada@example.org" });
    expect(
      await codeOf(() => t.action((ctx) => clerk.revokeInvitation(ctx, { orgId: orgA, invitationId: asked.id }))),
    ).toBe("CLERK_ANSWER_MISMATCH");
    expect(await syncedRows(t)).toEqual(before);
  });
});

describe("write-through: no secret key in what it throws", () => {
  test("a Clerk error quoting the key: message, errors[].message and longMessage scrubbed", async () => {
    process.env.CLERK_API_URL = scripted.url;
    const quoted = `Bearer ${SECRET_KEY}`;
    scripted.answer(() => ({
      status: 422,
      body: {
        errors: [
          {
            code: "form_param_value_invalid",
            message: `the key ${SECRET_KEY} is not allowed here`,
            long_message: `Header "Authorization: ${quoted}" was refused`,
            meta: { param_name: SECRET_KEY },
          },
        ],
      },
    }));
    const error = await clerkErrorOf(() => t.action((ctx) => clerk.banUser(ctx, userA)));
    expect(error).toMatchObject({
      code: "CLERK_INVALID",
      status: 422,
      errors: [{ message: "the key [redacted] is not allowed here" }],
    });
    expect(JSON.stringify(error)).not.toContain(SECRET_KEY.slice("sk_test_".length));
  });

  test("a key with a line break: neither half in the thrown message", async () => {
    process.env.CLERK_SECRET_KEY = `${SECRET_KEY}\nTAILPART9f8e7d`;
    const thrown: unknown = await t
      .action((ctx) => clerk.banUser(ctx, userA))
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(ConvexError);
    const message = (thrown as Error).message;
    expect(message).toMatch(/invalid header value/);
    expect(message).not.toContain(SECRET_KEY.slice("sk_test_".length));
    expect(message).not.toContain("TAILPART9f8e7d");
  });
});
