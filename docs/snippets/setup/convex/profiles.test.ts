/// <reference types="vite/client" />
import clerkTest, { signDelivery, userCreated, userDeleted } from "convex-clerk-sync/test";
import { convexTest } from "convex-test";
import { afterEach, expect, test, vi } from "vitest";
import { api } from "./_generated/api";
import schema from "./schema";

// This file sits in convex/, next to schema.ts: the glob and the imports are relative to it.
const modules = import.meta.glob("./**/*.*s");
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // any whsec_ + base64 will do

afterEach(() => {
  vi.unstubAllEnvs();
});

test("a profile exists exactly while its user does", async () => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", SECRET);
  vi.stubEnv("CLERK_FRONTEND_API_URL", "https://example.clerk.accounts.dev"); // read by auth.config.ts
  const t = convexTest(schema, modules);
  clerkTest.register(t); // the name given in app.use, default "clerk"
  // POST a Clerk event to the webhook, signed as Svix signs it.
  const deliver = (payload: unknown) =>
    t.fetch("/clerk-users-webhook", { method: "POST", ...signDelivery(payload, SECRET) });

  const created = userCreated({ first_name: "Ada", last_name: "Lovelace" });
  expect((await deliver(created)).status).toBe(200);
  expect(await t.query(api.profiles.get, { clerkId: created.data.id })).toMatchObject({ displayName: "Ada Lovelace" });

  expect((await deliver(userDeleted(created.data.id))).status).toBe(200);
  expect(await t.query(api.profiles.get, { clerkId: created.data.id })).toBeNull();
});
