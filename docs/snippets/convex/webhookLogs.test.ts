/// <reference types="vite/client" />
import { afterEach, expect, test, vi } from "vitest";
import { convexTest } from "convex-test";
import clerkTest, { signDelivery, userCreated } from "convex-clerk-sync/test";
import schema from "./schema";

const modules = import.meta.glob("./**/*.*s");
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

async function deliverUser() {
  const t = convexTest(schema, modules);
  clerkTest.register(t);
  const { body, headers } = signDelivery(userCreated(), secret);
  return t.fetch("/clerk-users-webhook", { method: "POST", body, headers });
}

test("a delivery logs one line, which the test can read", async () => {
  vi.stubEnv("CLERK_WEBHOOK_SECRET", secret);
  const info = vi.spyOn(console, "log").mockImplementation(() => {});
  await deliverUser();
  expect(info).toHaveBeenCalledWith(expect.stringMatching(/^\[clerk-sync\] inserted msg_\w+ user\.created$/));
});

test("CLERK_SYNC_LOG_LEVEL=NONE quiets them", async () => {
  vi.stubEnv("CLERK_WEBHOOK_SECRET", secret);
  vi.stubEnv("CLERK_SYNC_LOG_LEVEL", "NONE");
  const info = vi.spyOn(console, "log");
  await deliverUser();
  expect(info).not.toHaveBeenCalled();
});
