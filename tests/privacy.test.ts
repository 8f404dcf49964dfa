import { describe, expect, onTestFinished, test, vi } from "vitest";
import { getFunctionName, type FunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import { ClerkSync } from "convex-clerk-sync";
import {
  clerkUser,
  invitationCreated,
  membershipCreated,
  organizationCreated,
  stubClerkApi,
  userCreated,
} from "convex-clerk-sync/test";
import componentSchema from "../src/component/schema";
import exampleSchema from "../example/convex/schema";
import { api, components } from "../example/convex/_generated/api";
import { emailLookupLimit } from "../example/convex/users";
import { logs, deliver, inComponent, initConvexTest, modules, type TestApp, ISSUER } from "./setup";

// Every client-callable function of the example app, called by someone signed out and by
// a signed-in stranger: neither may get back an email, a phone number or a metadata value
// of a user, an organization or a membership they do not own.

const OWNER = "user_owner";
const MEMBER = "user_member";
const STRANGER = "user_stranger";
const ORG = "org_private";

/** Values only their owners (or nobody) may see. Each is distinct enough to find in any JSON. */
const PRIVATE = {
  ownerEmail: "Owner.Private@example.org",
  ownerPhone: "+15550001111",
  ownerPublicMetadata: "owner-public-metadata-7f3a",
  ownerPrivateMetadata: "owner-private-metadata-91bc",
  ownerUnsafeMetadata: "owner-unsafe-metadata-2d4e",
  memberEmail: "member.private@example.org",
  memberPhone: "+15550002222",
  memberPublicMetadata: "member-public-metadata-5a6b",
  memberIdentifier: "member.identifier@example.org",
  orgPublicMetadata: "org-public-metadata-c3d4",
  orgPrivateMetadata: "org-private-metadata-e5f6",
  membershipPublicMetadata: "membership-public-metadata-0a1b",
  membershipPrivateMetadata: "membership-private-metadata-2c3d",
  invitationEmail: "invitee.private@example.org",
  invitationPrivateMetadata: "invitation-private-metadata-8e9f",
};
/** Clerk's fields the component never stores. */
const NEVER_STORED = [
  PRIVATE.ownerPrivateMetadata,
  PRIVATE.ownerUnsafeMetadata,
  PRIVATE.orgPrivateMetadata,
  PRIVATE.membershipPrivateMetadata,
  PRIVATE.invitationPrivateMetadata,
];

function phone(id: string, number: string) {
  return {
    // Only the fields the component reads; Clerk's PhoneNumberJSON has many more.
    phone_numbers: [
      { id, object: "phone_number", phone_number: number, verification: { status: "verified" } },
    ] as never,
    primary_phone_number_id: id,
  };
}

async function seed(t: TestApp) {
  const deliveries = [
    userCreated({
      id: OWNER,
      email: PRIVATE.ownerEmail,
      username: "owner",
      ...phone("idn_owner_phone", PRIVATE.ownerPhone),
      public_metadata: { plan: PRIVATE.ownerPublicMetadata, nested: { tags: [PRIVATE.ownerPublicMetadata] } },
      private_metadata: { note: PRIVATE.ownerPrivateMetadata },
      unsafe_metadata: { note: PRIVATE.ownerUnsafeMetadata },
    }),
    userCreated({
      id: MEMBER,
      email: PRIVATE.memberEmail,
      ...phone("idn_member_phone", PRIVATE.memberPhone),
      public_metadata: { role: PRIVATE.memberPublicMetadata },
    }),
    userCreated({ id: STRANGER, email: "stranger@example.org" }),
    organizationCreated({
      id: ORG,
      name: "Private Org",
      created_by: OWNER,
      public_metadata: { billing: PRIVATE.orgPublicMetadata },
      private_metadata: { billing: PRIVATE.orgPrivateMetadata },
    }),
    membershipCreated({ orgId: ORG, userId: OWNER, role: "org:admin" }),
    membershipCreated({
      orgId: ORG,
      userId: MEMBER,
      public_metadata: { seat: PRIVATE.membershipPublicMetadata },
      private_metadata: { seat: PRIVATE.membershipPrivateMetadata },
      public_user_data: {
        user_id: MEMBER,
        first_name: "Mem",
        last_name: "Ber",
        image_url: "https://img.clerk.com/member",
        has_image: true,
        identifier: PRIVATE.memberIdentifier,
      },
    }),
    invitationCreated({
      orgId: ORG,
      email_address: PRIVATE.invitationEmail,
      private_metadata: { source: PRIVATE.invitationPrivateMetadata },
    }),
  ];
  for (const payload of deliveries) expect((await deliver(t, payload)).status).toBe(200);
  const owner = t.withIdentity({ issuer: ISSUER, subject: OWNER });
  await owner.mutation(api.notes.add, { text: "the owner's note" });
  ownerProjectId = await owner.mutation(api.projects.create, { orgId: ORG, name: "Owner's project" });
}
/** The seeded organization's project, for the functions that take a project id. */
let ownerProjectId: string;

type Outcome = "ok" | "UNAUTHENTICATED" | "FORBIDDEN";
type Case = {
  /** Plausible arguments: aimed at the seeded users and organization, not the caller's own. */
  args: () => Record<string, unknown>;
  /** What each caller gets: a result (checked for private values) or a rejection. */
  signedOut: Outcome;
  stranger: Outcome;
};

/** One entry per public function: a new public function fails the test until it has one. */
const CASES: Record<string, Case> = {
  "users:me": { args: () => ({}), signedOut: "ok", stranger: "ok" },
  "users:publicProfile": { args: () => ({ clerkId: OWNER }), signedOut: "ok", stranger: "ok" },
  "users:findByEmail": { args: () => ({ email: PRIVATE.ownerEmail }), signedOut: "UNAUTHENTICATED", stranger: "ok" },
  "users:directory": {
    args: () => ({ paginationOpts: { numItems: 10, cursor: null } }),
    signedOut: "UNAUTHENTICATED",
    stranger: "ok",
  },
  "users:ensureMe": { args: () => ({}), signedOut: "ok", stranger: "ok" },
  "profiles:get": { args: () => ({ clerkId: OWNER }), signedOut: "ok", stranger: "ok" },
  "notes:add": { args: () => ({ text: "a stranger's note" }), signedOut: "UNAUTHENTICATED", stranger: "ok" },
  "notes:byAuthor": { args: () => ({ authorId: OWNER }), signedOut: "UNAUTHENTICATED", stranger: "ok" },
  "projects:list": { args: () => ({ orgId: ORG }), signedOut: "UNAUTHENTICATED", stranger: "FORBIDDEN" },
  "projects:create": {
    args: () => ({ orgId: ORG, name: "Hijack" }),
    signedOut: "UNAUTHENTICATED",
    stranger: "FORBIDDEN",
  },
  "projects:rename": {
    args: () => ({ projectId: ownerProjectId, name: "Hijack" }),
    signedOut: "UNAUTHENTICATED",
    stranger: "FORBIDDEN",
  },
  "projects:exportCsv": { args: () => ({ orgId: ORG }), signedOut: "UNAUTHENTICATED", stranger: "FORBIDDEN" },
  // Writes to Clerk: the stranger's own onboarding only; nothing of anyone else's organization.
  "onboarding:complete": { args: () => ({}), signedOut: "UNAUTHENTICATED", stranger: "ok" },
  "onboarding:status": { args: () => ({}), signedOut: "ok", stranger: "ok" },
  "orgAdmin:invitations": {
    args: () => ({ orgId: ORG, paginationOpts: { numItems: 10, cursor: null } }),
    signedOut: "UNAUTHENTICATED",
    stranger: "FORBIDDEN",
  },
  "orgAdmin:invite": {
    args: () => ({ orgId: ORG, emailAddress: "stranger@example.org", role: "org:admin" }),
    signedOut: "UNAUTHENTICATED",
    stranger: "FORBIDDEN",
  },
  "orgAdmin:revokeInvitation": {
    args: () => ({ orgId: ORG, invitationId: "orginv_any" }),
    signedOut: "UNAUTHENTICATED",
    stranger: "FORBIDDEN",
  },
  "orgAdmin:changeRole": {
    args: () => ({ orgId: ORG, userId: STRANGER, role: "org:admin" }),
    signedOut: "UNAUTHENTICATED",
    stranger: "FORBIDDEN",
  },
  "orgAdmin:removeMember": {
    args: () => ({ orgId: ORG, userId: OWNER }),
    signedOut: "UNAUTHENTICATED",
    stranger: "FORBIDDEN",
  },
  "orgAdmin:rename": {
    args: () => ({ orgId: ORG, name: "Hijack" }),
    signedOut: "UNAUTHENTICATED",
    stranger: "FORBIDDEN",
  },
};

type Kind = "query" | "mutation" | "action";
type PublicFunction = { name: string; kind: Kind; ref: FunctionReference<Kind, "public"> };
type Registered = { isPublic?: boolean; isQuery?: boolean; isMutation?: boolean; isAction?: boolean };

/**
 * The example app's public functions, found as Convex finds them: every export of every
 * module that is a registered public query, mutation or action (`api` holds exactly these).
 */
async function publicFunctions(): Promise<PublicFunction[]> {
  const found: PublicFunction[] = [];
  for (const [file, load] of Object.entries(modules)) {
    const relative = file.replace(/^\.\.\/example\/convex\//, "");
    const base = relative.split("/").pop()!;
    // Convex's own rule for function modules: not _generated/, schema or multi-dot names (*.config.ts).
    if (relative.startsWith("_generated/") || /^schema\.[jt]s$/.test(base) || base.split(".").length > 2) continue;
    const modulePath = relative.replace(/\.[cm]?[jt]s$/, "");
    for (const [exportName, exported] of Object.entries((await load()) as Record<string, unknown>)) {
      if (typeof exported !== "function") continue;
      const value = exported as Registered;
      if (!value.isPublic) continue;
      const kind: Kind | null = value.isQuery
        ? "query"
        : value.isMutation
          ? "mutation"
          : value.isAction
            ? "action"
            : null;
      if (!kind) continue; // HTTP actions: reachable only through http.ts's routes
      let ref: Record<string, unknown> = api;
      for (const segment of [...modulePath.split("/"), exportName]) ref = ref[segment] as Record<string, unknown>;
      const typed = ref as unknown as FunctionReference<Kind, "public">;
      found.push({ name: getFunctionName(typed), kind, ref: typed });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

type Caller = Pick<TestApp, "query" | "mutation" | "action">;

async function call(caller: Caller, fn: PublicFunction, args: Record<string, unknown>) {
  try {
    const run = caller[fn.kind] as (ref: FunctionReference<Kind, "public">, args: unknown) => Promise<unknown>;
    return { outcome: "ok" as Outcome, returned: await run(fn.ref, args) };
  } catch (error) {
    if (!(error instanceof ConvexError)) throw error;
    return { outcome: (error.data as { code: string }).code as Outcome, returned: error.data as unknown };
  }
}

/** Every private value found in `value`'s JSON, compared case-insensitively. */
function privateValuesIn(value: unknown, privateValues: string[]): string[] {
  const json = JSON.stringify(value ?? null).toLowerCase();
  return privateValues.filter((secret) => json.includes(secret.toLowerCase()));
}

describe("the example app's public functions", () => {
  test("each has a case here, and only those that are public", async () => {
    const names = (await publicFunctions()).map((fn) => fn.name);
    // Found by walking the modules: internal functions and HTTP actions are not client-callable.
    expect(names).toContain("users:findByEmail");
    expect(names).not.toContain("notes:deleteByAuthor");
    expect(names).not.toContain("backfill:start");
    expect({
      withoutCase: names.filter((name) => !(name in CASES)),
      caseWithoutFunction: Object.keys(CASES).filter((name) => !names.includes(name)),
    }).toEqual({ withoutCase: [], caseWithoutFunction: [] });
  });

  test("hand no email, phone or metadata to a signed-out caller or a signed-in stranger", async () => {
    const t = initConvexTest();
    await seed(t);
    // Clerk, for the stranger's own onboarding: the one write a stranger may make.
    const clerkApi = stubClerkApi().on("PATCH /v1/users/:id/metadata", ({ params }) =>
      clerkUser({ id: params.id, email: "stranger@example.org", public_metadata: { onboardingComplete: true } }),
    );
    onTestFinished(() => clerkApi.restore());
    const privateValues = Object.values(PRIVATE);
    const callers: Record<"signedOut" | "stranger", Caller> = {
      signedOut: t,
      stranger: t.withIdentity({ issuer: ISSUER, subject: STRANGER }),
    };
    const outcomes: Record<string, Record<string, Outcome>> = {};
    const leaks: Record<string, string[]> = {};
    for (const fn of await publicFunctions()) {
      const entry = CASES[fn.name];
      if (!entry) continue; // reported by the test above
      outcomes[fn.name] = {};
      for (const [who, caller] of Object.entries(callers)) {
        const { outcome, returned } = await call(caller, fn, entry.args());
        outcomes[fn.name][who] = outcome;
        const found = privateValuesIn(returned, privateValues);
        if (found.length) leaks[`${fn.name} as ${who}`] = found;
      }
    }
    const expected = Object.fromEntries(
      Object.entries(CASES).map(([name, { signedOut, stranger }]) => [name, { signedOut, stranger }]),
    );
    expect({ outcomes, leaks }).toEqual({ outcomes: expected, leaks: {} });
    expect(privateValuesIn(logs, privateValues)).toEqual([]);
    expect(clerkApi.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
      `PATCH /v1/users/${STRANGER}/metadata`,
    ]);

    // The check can fail: the owner does get her own email back, and the stored rows hold
    // every other value the callers above were looking for.
    const asOwner = await t.withIdentity({ issuer: ISSUER, subject: OWNER }).query(api.users.me, {});
    expect(privateValuesIn(asOwner, privateValues)).toEqual([PRIVATE.ownerEmail]);
    // The organization's admin sees the addresses it invited.
    const invitations = await t
      .withIdentity({ issuer: ISSUER, subject: OWNER })
      .query(api.orgAdmin.invitations, { orgId: ORG, paginationOpts: { numItems: 10, cursor: null } });
    expect(privateValuesIn(invitations, privateValues)).toEqual([PRIVATE.invitationEmail]);
    const clerk = new ClerkSync(components.clerk);
    const stored = await t.query(async (ctx) => ({
      owner: await clerk.getUser(ctx, OWNER),
      member: await clerk.getUser(ctx, MEMBER),
      organization: await clerk.getOrganization(ctx, ORG),
      membership: await clerk.getMembership(ctx, { orgId: ORG, clerkId: MEMBER }),
      invitations: await clerk.listInvitations(ctx, ORG, { paginationOpts: { numItems: 10, cursor: null } }),
    }));
    expect(privateValuesIn(stored, privateValues).sort()).toEqual(
      privateValues.filter((value) => !NEVER_STORED.includes(value)).sort(),
    );
  });

  test("Clerk's private and unsafe metadata is stored nowhere", async () => {
    const t = initConvexTest();
    await seed(t);
    const componentRows = await inComponent(t, async (ctx) =>
      Promise.all(Object.keys(componentSchema.tables).map((table) => ctx.db.query(table as "users").collect())),
    );
    const appRows = await t.run(async (ctx) =>
      Promise.all(Object.keys(exampleSchema.tables).map((table) => ctx.db.query(table as "notes").collect())),
    );
    expect(componentRows.flat().length).toBeGreaterThan(0);
    expect(privateValuesIn([componentRows, appRows], NEVER_STORED)).toEqual([]);
  });
});

describe("users.findByEmail", () => {
  const errorOf = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      if (error instanceof ConvexError) return error.data as { code: string; message: string; retryAfter?: number };
      throw error;
    }
    throw new Error("expected a ConvexError");
  };

  test("needs a signed-in, synced caller", async () => {
    const t = initConvexTest();
    await seed(t);
    const email = PRIVATE.ownerEmail;
    expect(await errorOf(() => t.mutation(api.users.findByEmail, { email }))).toMatchObject({
      code: "UNAUTHENTICATED",
    });
    const unsynced = t.withIdentity({ issuer: ISSUER, subject: "user_not_synced" });
    expect(await errorOf(() => unsynced.mutation(api.users.findByEmail, { email }))).toMatchObject({
      code: "USER_NOT_SYNCED",
    });
    expect(
      await t.withIdentity({ issuer: ISSUER, subject: STRANGER }).mutation(api.users.findByEmail, { email }),
    ).toEqual({
      clerkId: OWNER,
      name: "Example Example",
      username: "owner",
      imageUrl: "https://img.clerk.com/xxxxxx",
    });
  });

  test("is rate-limited per caller, with a retry time, so no one can walk the user base", async () => {
    vi.useFakeTimers();
    const t = initConvexTest();
    await seed(t);
    const stranger = t.withIdentity({ issuer: ISSUER, subject: STRANGER });
    const lookup = (i: number) => stranger.mutation(api.users.findByEmail, { email: `guess${i}@example.org` });
    const burst = emailLookupLimit.capacity;
    for (let i = 0; i < burst; i++) expect(await lookup(i)).toBeNull();

    const limited = await errorOf(() => lookup(burst));
    expect(limited).toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringMatching(/^Too many email lookups; try again in \d+ s$/),
    });
    const refill = emailLookupLimit.period / emailLookupLimit.rate;
    expect(limited.retryAfter).toBeGreaterThan(0);
    expect(limited.retryAfter).toBeLessThanOrEqual(refill);

    // Another caller has its own allowance.
    const member = t.withIdentity({ issuer: ISSUER, subject: MEMBER });
    const otherCaller = await member.mutation(api.users.findByEmail, { email: PRIVATE.ownerEmail });
    expect(otherCaller).toMatchObject({ clerkId: OWNER });

    // One lookup more once the retry time has passed, and no more. A second's slack: a
    // mutation's clock never starts before the last commit, so under frozen time the limiter's
    // clock ran a few milliseconds ahead of the test's.
    vi.advanceTimersByTime(limited.retryAfter! + 1_000);
    expect(await lookup(burst + 1)).toBeNull();
    expect(await errorOf(() => lookup(burst + 2))).toMatchObject({ code: "RATE_LIMITED" });
  });
});
