// `convex-clerk-sync/http`: Clerk's webhook for the host's router. Its own entry point, so
// svix and the delivery code load only in the module that mounts the route.
import { httpActionGeneric, type GenericActionCtx, type GenericDataModel, type HttpRouter } from "convex/server";
import { Webhook, WebhookVerificationError } from "svix";
import type { FailureReason } from "../component/syncStatus.js";
import type { ClerkSync } from "./clerkSync.js";
import { normalizeDelivery } from "./normalize.js";

const DEFAULT_WEBHOOK_PATH = "/clerk-users-webhook";
const WEBHOOK_SECRET_ENV = "CLERK_WEBHOOK_SECRET";

export type ClerkRoutesOptions = {
  /** Where the webhook is mounted. Default `/clerk-users-webhook`. */
  path?: string;
  /**
   * The endpoint's signing secret (`whsec_…`) from the Clerk dashboard.
   * Default: the `CLERK_WEBHOOK_SECRET` environment variable, read on each request.
   */
  webhookSecret?: string;
};

/**
 * Mount Clerk's webhook endpoint on the host's router: `registerClerkRoutes(http, clerk)`.
 * Deliveries run the hooks configured on the `ClerkSync`, as the backfill does.
 */
export function registerClerkRoutes(http: HttpRouter, clerk: ClerkSync, options: ClerkRoutesOptions = {}) {
  http.route({
    path: options.path ?? DEFAULT_WEBHOOK_PATH,
    method: "POST",
    handler: httpActionGeneric((ctx, request) => handleClerkWebhook(ctx, request, clerk, options)),
  });
}

type RunMutationCtx = Pick<GenericActionCtx<GenericDataModel>, "runMutation">;

/**
 * verify → normalize → one component mutation. Every answer is logged without personal
 * data. For hosts that route by hand: call it from an `httpAction` with the request.
 */
export async function handleClerkWebhook(
  ctx: RunMutationCtx,
  request: Request,
  clerk: ClerkSync,
  options: Omit<ClerkRoutesOptions, "path"> = {},
): Promise<Response> {
  const recordFailure = (svixId: string, eventType: string | null, reason: FailureReason) =>
    ctx
      .runMutation(clerk.component.syncStatus.recordFailure, { svixId, eventType, reason })
      // The answer matters more than the record: a failure to record is only logged.
      .catch((error: unknown) => console.error(`[clerk-sync] could not record a failed delivery: ${String(error)}`));

  // Read per request, never at module load: a missing variable must not break a deploy.
  const secret = options.webhookSecret ?? process.env[WEBHOOK_SECRET_ENV];
  if (!secret) {
    console.error(
      `[clerk-sync] rejected: no signing secret. Set ${WEBHOOK_SECRET_ENV} to the endpoint's signing secret (whsec_…) in the Convex dashboard; Svix retries the delivery.`,
    );
    await recordFailure(request.headers.get("svix-id") ?? "", null, "no_signing_secret");
    return answer(500, { error: `webhook signing secret is not configured (${WEBHOOK_SECRET_ENV})` });
  }
  let verifier: Webhook;
  try {
    verifier = new Webhook(secret);
  } catch {
    console.error(`[clerk-sync] rejected: ${WEBHOOK_SECRET_ENV} is not a valid signing secret (whsec_ + base64).`);
    await recordFailure(request.headers.get("svix-id") ?? "", null, "malformed_signing_secret");
    return answer(500, { error: `webhook signing secret is malformed (${WEBHOOK_SECRET_ENV})` });
  }

  const headers = {
    "svix-id": request.headers.get("svix-id") ?? "",
    "svix-timestamp": request.headers.get("svix-timestamp") ?? "",
    "svix-signature": request.headers.get("svix-signature") ?? "",
  };
  const svixId = headers["svix-id"];
  if (!svixId || !headers["svix-timestamp"] || !headers["svix-signature"]) {
    console.warn("[clerk-sync] rejected: missing svix-id, svix-timestamp or svix-signature header");
    return answer(400, { error: "missing svix-id, svix-timestamp or svix-signature header" });
  }

  const body = await request.text();
  try {
    verifier.verify(body, headers);
  } catch (error) {
    const reason = error instanceof WebhookVerificationError ? error.message : "verification failed";
    console.warn(`[clerk-sync] rejected ${svixId}: ${reason}`);
    return answer(401, { error: `invalid webhook signature: ${reason}` });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    console.warn(`[clerk-sync] rejected ${svixId}: body is not JSON`);
    return answer(400, { error: "body is not JSON" });
  }

  const delivery = normalizeDelivery(parsed);
  if (delivery.kind === "invalid") {
    console.warn(`[clerk-sync] rejected ${svixId}: ${delivery.reason}`);
    return answer(400, { error: delivery.reason });
  }
  if (delivery.kind === "ignored") {
    console.log(`[clerk-sync] ignored ${svixId} ${delivery.eventType}: ${delivery.reason}`);
    return answer(200, { outcome: "ignored", reason: delivery.reason });
  }

  const { event } = delivery;
  try {
    const hooks = await clerk.hookHandles();
    const outcome = await ctx.runMutation(clerk.component.deliveries.apply, { svixId, event, hooks });
    console.log(`[clerk-sync] ${outcome} ${svixId} ${event.type}`);
    return answer(200, { outcome });
  } catch (error) {
    // Nothing of the delivery was written (one mutation): a 5xx makes Svix retry it.
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`[clerk-sync] failed ${svixId} ${event.type}: ${reason}`);
    await recordFailure(svixId, event.type, "apply_failed");
    return answer(500, { error: "delivery could not be applied; it will be retried" });
  }
}

function answer(status: number, body: Record<string, string>) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}
