/// <reference types="vite/client" />
import rateLimiterTest from "@convex-dev/rate-limiter/test";
import clerkTest, {
  clerkIdentity,
  membershipCreated,
  newOrganizationId,
  seedUser,
  signDelivery,
  userCreated,
  userDeleted,
} from "convex-clerk-sync/test";
import { convexTest } from "convex-test";
import { afterEach, expect, test, vi } from "vitest";
import { api } from "./_generated/api";
import schema from "./schema";

// This file sits in convex/, next to schema.ts: the glob and the imports are relative to it.
const modules = import.meta.glob("./**/*.*s");
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // any whsec_ + base64 will do

function setup() {
  vi.stubEnv("CLERK_WEBHOOK_SECRET", SECRET);
  // The issuer auth.config.ts names; clerkIdentity() gives identities this issuer.
  vi.stubEnv("CLERK_FRONTEND_API_URL", "https://example.clerk.accounts.dev");
  // No [clerk-sync] line per delivery; rejections and errors are still logged.
  vi.stubEnv("CLERK_SYNC_LOG_LEVEL", "WARN");
  const t = convexTest(schema, modules);
  clerkTest.register(t); // the name given in app.use, default "clerk"
  rateLimiterTest.register(t);
  return t;
}
afterEach(() => {
  vi.unstubAllEnvs();
});

/** POST a payload to the webhook, signed as Svix signs it. */
async function deliver(t: ReturnType<typeof setup>, payload: unknown) {
  const response = await t.fetch("/clerk-users-webhook", { method: "POST", ...signDelivery(payload, SECRET) });
  expect(response.status).toBe(200);
}

test("a profile exists exactly while its user does", async () => {
  const t = setup();
  const created = userCreated({ first_name: "Ada", last_name: "Lovelace" });
  await deliver(t, created);
  expect(await t.query(api.profiles.get, { clerkId: created.data.id })).toMatchObject({ displayName: "Ada Lovelace" });

  await deliver(t, userDeleted(created.data.id));
  expect(await t.query(api.profiles.get, { clerkId: created.data.id })).toBeNull();
});

test("the signed-in user reads their own account", async () => {
  const t = setup();
  const user = await seedUser(t, { first_name: "Grace", last_name: null }); // stored directly: no webhook, no hooks
  expect(await t.query(api.users.me, {})).toBeNull(); // signed out
  const grace = t.withIdentity(clerkIdentity({ userId: user.clerkId }));
  expect(await grace.query(api.users.me, {})).toMatchObject({ clerkId: user.clerkId, name: "Grace" });
});

test("exporting an organization's projects needs its Pro plan, read from the session token", async () => {
  const t = setup();
  const user = await seedUser(t);
  const orgId = newOrganizationId();
  await deliver(t, membershipCreated({ orgId, userId: user.clerkId, role: "org:admin" }));

  const onFree = clerkIdentity({ userId: user.clerkId, org: { id: orgId, role: "org:admin" }, plans: ["o:free"] });
  await expect(t.withIdentity(onFree).query(api.projects.exportCsv, { orgId })).rejects.toThrow(/needs the Pro plan/);
  const onPro = clerkIdentity({ userId: user.clerkId, org: { id: orgId, role: "org:admin" }, plans: ["o:pro"] });
  expect(await t.withIdentity(onPro).query(api.projects.exportCsv, { orgId })).toBe("name,createdBy");
});
