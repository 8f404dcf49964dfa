import type { JSONValue } from "convex/values";
import type { UserRecord } from "../component/validators.js";

/**
 * A synced Clerk user as the host sees it. `null` where Clerk has nothing.
 * `publicMetadata` is Clerk's `public_metadata`, parsed.
 */
export type SyncedUser = Omit<UserRecord, "publicMetadataJson"> & {
  publicMetadata: Record<string, JSONValue>;
};

/** The host-facing shape of a stored record. */
export function toSyncedUser(record: UserRecord): SyncedUser;
export function toSyncedUser(record: UserRecord | null): SyncedUser | null;
export function toSyncedUser(record: UserRecord | null): SyncedUser | null {
  if (!record) return null;
  const { publicMetadataJson, ...rest } = record;
  return { ...rest, publicMetadata: JSON.parse(publicMetadataJson) };
}
