import type { JSONValue } from "convex/values";
import type { MembershipRecord, OrganizationRecord, UserRecord } from "../component/validators.js";

/** A stored record as the host sees it: `publicMetadataJson` parsed into `publicMetadata`. */
export type WithMetadata<R extends { publicMetadataJson: string }> = Omit<R, "publicMetadataJson"> & {
  publicMetadata: Record<string, JSONValue>;
};

/** A synced Clerk user. `null` where Clerk has nothing. */
export type SyncedUser = WithMetadata<UserRecord>;
/** A synced Clerk organization. */
export type SyncedOrganization = WithMetadata<OrganizationRecord>;
/** A synced membership: `role` is Clerk's role key as sent. */
export type SyncedMembership = WithMetadata<MembershipRecord>;

/** The host-facing shape of a stored record (user, organization or membership). */
export function toSynced<R extends { publicMetadataJson: string }>(record: R): WithMetadata<R>;
export function toSynced<R extends { publicMetadataJson: string }>(record: R | null): WithMetadata<R> | null;
export function toSynced<R extends { publicMetadataJson: string }>(record: R | null): WithMetadata<R> | null {
  if (!record) return null;
  const { publicMetadataJson, ...rest } = record;
  return { ...rest, publicMetadata: JSON.parse(publicMetadataJson) };
}
