// The endpoint's signing secrets, and the check of a delivery against them. Clerk rotates a
// secret by a second endpoint at the same URL, each with its own secret: while both exist,
// every event is delivered to each, so a deployment may hold both secrets.
import { Webhook, WebhookVerificationError } from "svix";
import type { FailureReason } from "../component/syncStatus.js";

/** Where the secrets are read, first set first: Clerk's own name, then the package's earlier one. */
export const WEBHOOK_SECRET_ENVS = ["CLERK_WEBHOOK_SIGNING_SECRET", "CLERK_WEBHOOK_SECRET"] as const;
const EITHER_ENV = WEBHOOK_SECRET_ENVS.join(" or ");

/** Svix's verifier for each secret, in the order given, and where they were read. */
export type SigningSecrets = { verifiers: Webhook[]; source: string };

/** A configuration no delivery can be verified with: the failure to record and what to say. */
export type SecretProblem = {
  reason: Extract<FailureReason, "no_signing_secret" | "malformed_signing_secret">;
  /** For the deployment's log: the fix, never a secret. */
  log: string;
  /** For the answer's `error`. */
  error: string;
};

/**
 * The secrets from the option, else from the first of `WEBHOOK_SECRET_ENVS` that holds more than
 * spaces. A string lists secrets separated by spaces; each must be one Svix can read (`whsec_` +
 * base64). Read on each request, never at module load: a missing variable must not break a deploy.
 */
export function signingSecrets(option: string | readonly string[] | undefined): SigningSecrets | SecretProblem {
  const { secrets, source } = listedSecrets(option, "the webhookSecret option");
  if (source === undefined || secrets.length === 0) {
    const where = source === undefined ? `Set ${EITHER_ENV}` : `${source} lists none: set it`;
    return {
      reason: "no_signing_secret",
      log: `no signing secret. ${where} to the endpoint's signing secret (whsec_…) in the Convex dashboard; Svix retries the delivery.`,
      error: `webhook signing secret is not configured (${source ?? EITHER_ENV})`,
    };
  }
  const verifiers: Webhook[] = [];
  for (const [index, secret] of secrets.entries()) {
    const which = secretLabel(source, index, secrets.length);
    try {
      verifiers.push(new Webhook(secret));
    } catch {
      return {
        reason: "malformed_signing_secret",
        log: `${which} is not a valid signing secret (whsec_ + base64).`,
        error: `webhook signing secret is malformed (${which})`,
      };
    }
  }
  return { verifiers, source };
}

/**
 * The secrets `option` lists (named `optionName`), else those of the first of
 * `WEBHOOK_SECRET_ENVS` that holds more than spaces, and where they were read (undefined: nowhere).
 */
export function listedSecrets(
  option: string | readonly string[] | undefined,
  optionName: string,
): { secrets: string[]; source: string | undefined } {
  const fromEnv = WEBHOOK_SECRET_ENVS.find((name) => process.env[name]?.trim());
  const source = option !== undefined ? optionName : fromEnv;
  const given = option ?? (fromEnv ? process.env[fromEnv] : undefined) ?? "";
  const secrets = typeof given === "string" ? given.split(/\s+/).filter(Boolean) : [...given];
  return { secrets, source };
}

/** `source`, or `source, secret 2 of 3` when it lists several: which secret a message is about. */
export function secretLabel(source: string, index: number, count: number): string {
  return count === 1 ? source : `${source}, secret ${index + 1} of ${count}`;
}

/**
 * Which secret signed the delivery (its position, from 1), tried in order with Svix's own
 * verifier; or why none did (the timestamp, or no matching signature).
 */
export function matchingSecret(
  verifiers: readonly Webhook[],
  body: string,
  headers: Record<"svix-id" | "svix-timestamp" | "svix-signature", string>,
): { matched: number } | { refused: string } {
  let refused = "verification failed";
  for (const [index, verifier] of verifiers.entries()) {
    try {
      verifier.verify(body, headers);
      return { matched: index + 1 };
    } catch (error) {
      if (error instanceof WebhookVerificationError) refused = error.message;
    }
  }
  return { refused };
}
