import { afterEach, describe, expect, test } from "vitest";
import { ConvexError } from "convex/values";
import { ClerkSync } from "convex-clerk-sync";
import {
  clerkApiError,
  clerkInvitation,
  clerkUser,
  stubClerkApi,
  userCreated,
  type ClerkApiStub,
} from "convex-clerk-sync/test";
import { api, components } from "../example/convex/_generated/api";
import { deliver, initConvexTest, ISSUER } from "./setup";

// The test kit's stub for Clerk's Backend API, used as a host's test would: in vitest's
// default environment, with the host's own actions.

const clerk = new ClerkSync(components.clerk);
let stub: ClerkApiStub | undefined;
afterEach(() => stub?.restore());

const errorOf = async (run: () => Promise<unknown>) => {
  try {
    await run();
  } catch (error) {
    if (error instanceof ConvexError) return error.data as Record<string, unknown>;
    throw error;
  }
  throw new Error("expected a ConvexError");
};

describe("convex-clerk-sync/test: stubClerkApi", () => {
  test("answers the routes a test declares and records each request, as Clerk's client sent it", async () => {
    const t = initConvexTest();
    await deliver(t, userCreated({ id: "user_kit" }));
    stub = stubClerkApi().on("PATCH /v1/users/:id/metadata", ({ params, body }) =>
      clerkUser({
        id: params["id"],
        public_metadata: (body as { public_metadata: Record<string, unknown> }).public_metadata,
      }),
    );
    const asUser = t.withIdentity({ issuer: ISSUER, subject: "user_kit" });
    expect(await asUser.action(api.onboarding.complete, {})).toEqual({ onboardingComplete: true });
    expect(await asUser.query(api.onboarding.status, {})).toEqual({ onboardingComplete: true });
    expect(stub.requests).toEqual([
      expect.objectContaining({
        method: "PATCH",
        path: "/v1/users/user_kit/metadata",
        params: { id: "user_kit" },
        body: { public_metadata: { onboardingComplete: true } },
      }),
    ]);
  });

  test("Clerk's refusals: form errors, a rate limit with Retry-After, a route not stubbed", async () => {
    const t = initConvexTest();
    stub = stubClerkApi()
      .on("POST /v1/organizations/:orgId/invitations", () =>
        clerkApiError(422, [{ code: "duplicate_record", message: "Already invited.", paramName: "email_address" }]),
      )
      .on("POST /v1/organizations/:orgId/invitations/:id/revoke", () => clerkApiError(429, [], 3));
    const invite = () =>
      t.action((ctx) => clerk.createInvitation(ctx, { orgId: "org_1", emailAddress: "a@b.co", role: "org:member" }));
    expect(await errorOf(invite)).toMatchObject({
      code: "CLERK_INVALID",
      message: "Already invited.",
      errors: [{ code: "duplicate_record", paramName: "email_address" }],
    });
    const revoke = () => t.action((ctx) => clerk.revokeInvitation(ctx, { orgId: "org_1", invitationId: "orginv_1" }));
    expect(await errorOf(revoke)).toMatchObject({ code: "CLERK_RATE_LIMITED", retryAfter: 3000 });
    expect(await errorOf(() => t.action((ctx) => clerk.banUser(ctx, "user_1")))).toMatchObject({
      code: "CLERK_NOT_FOUND",
      message: "no stubbed route for POST /v1/users/user_1/ban",
    });

    // A later route for the same request wins.
    stub.on("POST /v1/organizations/:orgId/invitations", ({ params, body }) =>
      clerkInvitation({ orgId: params["orgId"], email_address: (body as { email_address: string }).email_address }),
    );
    expect(await invite()).toMatchObject({ orgId: "org_1", status: "pending" });
  });

  test("restore puts fetch and the environment back", () => {
    const before = { fetch: globalThis.fetch, apiUrl: process.env.CLERK_API_URL, key: process.env.CLERK_SECRET_KEY };
    stubClerkApi().restore();
    expect({ fetch: globalThis.fetch, apiUrl: process.env.CLERK_API_URL, key: process.env.CLERK_SECRET_KEY }).toEqual(
      before,
    );
  });
});
