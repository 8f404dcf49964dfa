// `convex-clerk-sync/http`: Clerk's webhook for the host's router. Its own entry point, so
// svix and the delivery code load only in the module that mounts the route.
import { httpActionGeneric, type GenericActionCtx, type GenericDataModel, type HttpRouter } from "convex/server";
import { getConvexSize } from "convex/values";
import type { ClerkEvent } from "../component/deliveries.js";
import type { FailureReason } from "../component/syncStatus.js";
import type { ClerkSync } from "./clerkSync.js";
import { DOCTOR_PROBE_EVENT_TYPE } from "./doctorProbe.js";
import { heartbeatDelivery } from "./heartbeatMarker.js";
import { createLogger, type Logger } from "./logging.js";
import { normalizeDelivery } from "./normalize.js";
import { matchingSecret, signingSecrets } from "./signingSecrets.js";

const DEFAULT_WEBHOOK_PATH = "/clerk-users-webhook";
/** Convex's limit on a function's arguments: a larger event cannot reach the component at all. */
const MAX_ARGUMENT_BYTES = 1 << 24;

export type ClerkRoutesOptions = {
  /** Where the webhook is mounted. Default `/clerk-users-webhook`. */
  path?: string;
  /**
   * The endpoint's signing secret (`whsec_…`) from the Clerk dashboard; while a rotation's two
   * endpoints exist, both of theirs: a list, or one string with the secrets separated by spaces.
   * A delivery signed with any of them is verified. Default: `CLERK_WEBHOOK_SIGNING_SECRET`, else
   * `CLERK_WEBHOOK_SECRET` (the same format), read on each request.
   */
  webhookSecret?: string | readonly string[];
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

type RunMutationCtx = Pick<GenericActionCtx<GenericDataModel>, "runMutation" | "runQuery">;

/** What one request needs along the way: where to record a failure, and where to log. */
type Report = {
  log: Logger;
  recordFailure(svixId: string, eventType: string | null, reason: FailureReason): Promise<void>;
  /** Count a request whose signature did not verify (no body, no id kept). */
  recordRefusal(): Promise<void>;
};

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
  const log = createLogger(clerk.options.logLevel);
  const report: Report = {
    log,
    recordFailure: (svixId, eventType, reason) =>
      ctx
        .runMutation(clerk.component.syncStatus.recordFailure, { svixId, eventType, reason })
        .then(() => undefined)
        // The answer matters more than the record: a failure to record is only logged.
        .catch((error: unknown) => log.error(`could not record a failed delivery: ${String(error)}`)),
    recordRefusal: () =>
      ctx
        .runMutation(clerk.component.refusals.record, {})
        .then(() => undefined)
        .catch((error: unknown) => log.error(`could not count a refused signature: ${String(error)}`)),
  };
  const verified = await verifyDelivery(request, options, report);
  if (verified instanceof Response) return verified;
  if ("doctorProbe" in verified) return answerDoctor(ctx, clerk, log, verified.doctorProbe);
  if ("heartbeat" in verified) return receiveHeartbeat(ctx, clerk, verified, log);
  return applyDelivery(ctx, clerk, verified, report);
}

/** Which of the deployment's secrets verified a delivery: "secret 2 of 2". */
type SecretMatch = { matched: number; of: number };

/**
 * `doctor`'s signed delivery: acknowledged as an event type not synced (nothing is written),
 * with which secret verified it and the sync health, which only a holder of a signing secret
 * can ask for.
 */
async function answerDoctor(
  ctx: RunMutationCtx,
  clerk: ClerkSync,
  log: Logger,
  signingSecret: SecretMatch,
): Promise<Response> {
  const ignored = { outcome: "ignored", reason: "event type not synced", signingSecret };
  try {
    return answer(200, { ...ignored, health: await clerk.getSyncHealth(ctx) });
  } catch (error) {
    log.warn(`could not read the sync health for doctor: ${String(error)}`);
    return answer(200, ignored);
  }
}

/** What a request verifies to: a Clerk event, the heartbeat's return, doctor's probe, or the answer already given. */
type Verified = { svixId: string; event: ClerkEvent } | Heartbeat | { doctorProbe: SecretMatch } | Response;

/** The signed request as a Clerk event, or the answer when it is not one. */
async function verifyDelivery(
  request: Request,
  options: Omit<ClerkRoutesOptions, "path">,
  report: Report,
): Promise<Verified> {
  const { log, recordFailure } = report;
  const claimedId = request.headers.get("svix-id") ?? "";
  const secrets = signingSecrets(options.webhookSecret);
  if ("reason" in secrets) {
    log.error(`rejected: ${secrets.log}`);
    await recordFailure(claimedId, null, secrets.reason);
    return answer(500, { error: secrets.error });
  }

  const headers = {
    "svix-id": claimedId,
    "svix-timestamp": request.headers.get("svix-timestamp") ?? "",
    "svix-signature": request.headers.get("svix-signature") ?? "",
  };
  if (!claimedId || !headers["svix-timestamp"] || !headers["svix-signature"]) {
    log.warn("rejected: missing svix-id, svix-timestamp or svix-signature header");
    return answer(400, { error: "missing svix-id, svix-timestamp or svix-signature header" });
  }
  const body = await request.text();
  const match = matchingSecret(secrets.verifiers, body, headers);
  if ("refused" in match) return refuseSignature(report, claimedId, match.refused, secrets);

  // Signed from here on: a body no retry could ever apply is recorded, and Svix told to stop.
  const svixId = claimedId;
  const refuse = async (reason: Unappliable, error?: string) => {
    await recordFailure(svixId, null, reason);
    return refusal(log, svixId, null, reason, error);
  };
  // Characters never outnumber UTF-8 bytes: a body this long cannot be a function's argument.
  if (body.length > MAX_ARGUMENT_BYTES) return refuse("too_large");
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return refuse("invalid_payload", "body is not JSON");
  }
  // Recognised before any user logic: a heartbeat is never a user, a hook call or a delivery row.
  const nonce = heartbeatDelivery(parsed);
  if (nonce !== null) return { svixId, heartbeat: nonce };
  const delivery = normalizeDelivery(parsed);
  if (delivery.kind === "invalid") return refuse("invalid_payload", delivery.reason);
  if (delivery.kind === "ignored") {
    log.info(`ignored ${svixId} ${delivery.eventType.slice(0, 100)}: ${delivery.reason}`);
    if (delivery.eventType === DOCTOR_PROBE_EVENT_TYPE) {
      return { doctorProbe: { matched: match.matched, of: secrets.verifiers.length } };
    }
    return answer(200, { outcome: "ignored", reason: delivery.reason });
  }
  return { svixId, event: delivery.event };
}

/** A signature no secret verifies: counted for the health verdict (no body kept), logged, answered 401. */
async function refuseSignature(
  report: Report,
  claimedId: string,
  refused: string,
  secrets: { verifiers: readonly unknown[]; source: string },
) {
  const tried = secrets.verifiers.length > 1 ? ` (${secrets.verifiers.length} secrets of ${secrets.source} tried)` : "";
  report.log.warn(`rejected ${claimedId}: ${refused}${tried}`);
  await report.recordRefusal();
  return answer(401, { error: `invalid webhook signature: ${refused}` });
}

/** A signed delivery of the heartbeat user's `user.updated` (or its `user.created`), with the nonce it carries. */
type Heartbeat = { svixId: string; heartbeat: string };

/** Record the heartbeat's return: answered 200 whatever it was (its own, a duplicate, stale, another deployment's). */
async function receiveHeartbeat(ctx: RunMutationCtx, clerk: ClerkSync, { svixId, heartbeat }: Heartbeat, log: Logger) {
  const outcome =
    heartbeat === "" ? "stale" : await ctx.runMutation(clerk.component.heartbeat.receive, { nonce: heartbeat });
  log.info(`heartbeat ${svixId}: ${outcome}`);
  return answer(200, { outcome: "heartbeat", heartbeat: outcome });
}

/** One component mutation: applied, or (nothing written) a failure recorded and answered. */
async function applyDelivery(
  ctx: RunMutationCtx,
  clerk: ClerkSync,
  { svixId, event }: { svixId: string; event: ClerkEvent },
  report: Report,
): Promise<Response> {
  try {
    const hold = clerk.options.holdUnlistedUsers === true ? { holdUnlisted: true } : {};
    const args = { svixId, event, hooks: await clerk.hookHandles(), ...hold };
    if (getConvexSize(args) > MAX_ARGUMENT_BYTES) {
      await report.recordFailure(svixId, event.type, "too_large");
      return refusal(report.log, svixId, event.type, "too_large");
    }
    const outcome = await ctx.runMutation(clerk.component.deliveries.apply, args);
    // The component recorded this one itself, in the same mutation.
    if (outcome === "too_large") return refusal(report.log, svixId, event.type, "too_large");
    report.log.info(`${outcome} ${svixId} ${event.type}`);
    // Nothing written: a full backfill pass decides this user first; Svix's retry lands after it.
    if (outcome === "deferred") return answer(503, { outcome, error: DEFERRED }, { "retry-after": "300" });
    return answer(200, { outcome });
  } catch (error) {
    // Nothing of the delivery was written (one mutation): a 5xx makes Svix retry it.
    const reason = error instanceof Error ? error.message : String(error);
    report.log.error(`failed ${svixId} ${event.type}: ${reason}`);
    await report.recordFailure(svixId, event.type, "apply_failed");
    return answer(500, { error: "delivery could not be applied; it will be retried" });
  }
}

const DEFERRED =
  "a full backfill pass is listing users and has not reached this one; the delivery will be retried after it";

const TOO_LARGE =
  "delivery is larger than Convex can store (a document over 1 MiB, or arguments over 16 MiB); it will not be retried";

/** Why a signed delivery can never be applied. */
type Unappliable = Extract<FailureReason, "invalid_payload" | "too_large">;

/**
 * The answer to a signed delivery no retry could ever apply: 400 for a body that is not a
 * Clerk event, 422 for one too large for Convex; Svix is told not to retry it.
 */
function refusal(log: Logger, svixId: string, eventType: string | null, reason: Unappliable, error = TOO_LARGE) {
  log.warn(`rejected ${svixId}${eventType === null ? "" : ` ${eventType}`}: ${error}`);
  return answer(reason === "too_large" ? 422 : 400, { error }, NOT_RETRIED);
}

/**
 * Svix's delivery control: stop retrying this message. Sent with the answers to signed
 * deliveries that no retry could ever apply; Svix retries every other non-2xx answer.
 */
const NOT_RETRIED = { "webhook-delivery": "abort-message" };

function answer(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
