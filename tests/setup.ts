/// <reference types="vite/client" />
import { convexTest } from "./support/convexRules";
import clerkTest, { signDelivery } from "convex-clerk-sync/test";
import rateLimiterTest from "@convex-dev/rate-limiter/test";
import type { GenericMutationCtx } from "convex/server";
import type { DataModel as ComponentDataModel } from "../src/component/_generated/dataModel";
import schema from "../example/convex/schema";

export const modules = import.meta.glob("../example/convex/**/*.*s");

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/** Clerk's issuer for the example app (its Frontend API URL): identities in tests carry it. */
export const ISSUER = "https://verb-noun-00.clerk.accounts.dev";
export const WEBHOOK_PATH = "/clerk-users-webhook";

type ModuleMap = Record<string, () => Promise<unknown>>;

/**
 * The example app with its components registered, as a host app's tests set it up, under the
 * convex-rules layer. `replaced` swaps or adds app modules (path → loader), e.g. a router whose
 * hooks record each call.
 */
export function initConvexTest(replaced: ModuleMap = {}) {
  process.env.CLERK_WEBHOOK_SECRET = SECRET;
  process.env.CLERK_FRONTEND_API_URL = ISSUER;
  const t = convexTest(schema, { ...modules, ...replaced });
  clerkTest.register(t);
  rateLimiterTest.register(t);
  return t;
}

export type TestApp = ReturnType<typeof initConvexTest>;

/** The example's router swapped for one whose hooks record each call in `profiles` (support/recordingHooks.ts). */
export const RECORDING_HOOKS: ModuleMap = {
  "../example/convex/http.ts": () => import("./support/recordingHttp"),
  "../example/convex/recordingHooks.ts": () => import("./support/recordingHooks"),
};

/** POST a payload to the webhook, signed with the test secret. */
export async function deliver(
  t: TestApp,
  payload: unknown,
  options: { id?: string; timestamp?: Date; secret?: string } = {},
) {
  const { body, headers } = signDelivery(payload, options.secret ?? SECRET, options);
  const response = await t.fetch(WEBHOOK_PATH, { method: "POST", body, headers });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, string>,
    svixId: headers["svix-id"],
  };
}

type ComponentCtx = GenericMutationCtx<ComponentDataModel>;

/**
 * Read or write the component's own tables. convex-test runs `t.run` in the root app;
 * its `runInComponent` (untyped) does the same inside a registered component.
 */
export function inComponent<T>(t: TestApp, fn: (ctx: ComponentCtx) => Promise<T>): Promise<T> {
  const runner = t as unknown as { runInComponent(path: string, fn: (ctx: ComponentCtx) => Promise<T>): Promise<T> };
  return runner.runInComponent("clerk", fn);
}

export { logs } from "./support/logs";
