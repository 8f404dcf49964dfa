// Reaching a convex-test app as Clerk and the tests do: signed deliveries to the webhook
// route, and the component's own tables. Shared by tests/setup.ts and the bench (which runs
// outside vitest, so nothing here may use `import.meta.glob`).
import type { GenericMutationCtx } from "convex/server";
import { signDelivery, type SignedDelivery } from "../../src/events/sign";
import type { DataModel as ComponentDataModel } from "../../src/component/_generated/dataModel";

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const WEBHOOK_PATH = "/clerk-users-webhook";

type FetchingApp = { fetch(path: string, init?: RequestInit): Promise<Response> };

/** POST an already signed delivery to the webhook; answers its status and JSON body (`{}` when empty). */
export async function postDelivery(t: FetchingApp, { body, headers }: SignedDelivery) {
  const response = await t.fetch(WEBHOOK_PATH, { method: "POST", body, headers });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, string> };
}

/** POST a payload to the webhook, signed with the test secret. */
export async function deliver(
  t: FetchingApp,
  payload: unknown,
  options: { id?: string; timestamp?: Date; secret?: string } = {},
) {
  const signed = signDelivery(payload, options.secret ?? SECRET, options);
  return { ...(await postDelivery(t, signed)), svixId: signed.headers["svix-id"] };
}

type ComponentCtx = GenericMutationCtx<ComponentDataModel>;

/**
 * Read or write the component's own tables. convex-test runs `t.run` in the root app;
 * its `runInComponent` (untyped) does the same inside a registered component.
 */
export function inComponent<T>(t: object, fn: (ctx: ComponentCtx) => Promise<T>, component = "clerk"): Promise<T> {
  const runner = t as { runInComponent(path: string, fn: (ctx: ComponentCtx) => Promise<T>): Promise<T> };
  return runner.runInComponent(component, fn);
}
