// How the heartbeat's user is recognised, on the webhook path and in the backfill's user lists:
// by a key in its private metadata, which only the Backend API can write. Kept apart from the
// heartbeat's sender, so the webhook loads no Backend API client.

/** The private metadata key the heartbeat writes its nonce under. */
export const HEARTBEAT_METADATA_KEY = "convexClerkSyncHeartbeat";

/**
 * The nonce a Clerk user object carries if it is a heartbeat user: the latest nonce written, ""
 * when none was (its setup); null when it is no heartbeat user.
 */
export function heartbeatNonce(user: unknown): string | null {
  if (!isPlainObject(user)) return null;
  const metadata = user["private_metadata"];
  const marker = isPlainObject(metadata) ? metadata[HEARTBEAT_METADATA_KEY] : undefined;
  if (!isPlainObject(marker)) return null;
  return typeof marker["nonce"] === "string" ? marker["nonce"].slice(0, 200) : "";
}

/** The nonce of a delivery of a heartbeat user's `user.created` or `user.updated`; null for any other delivery. */
export function heartbeatDelivery(payload: unknown): string | null {
  if (!isPlainObject(payload) || (payload["type"] !== "user.updated" && payload["type"] !== "user.created")) {
    return null;
  }
  return heartbeatNonce(payload["data"]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
