import type { JSONValue } from "convex/values";
import type { MembershipRecord, OrganizationRecord, UserRecord } from "../component/validators.js";

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

/** A synced Clerk organization; `publicMetadata` parsed. */
export type SyncedOrganization = Omit<OrganizationRecord, "publicMetadataJson"> & {
  publicMetadata: Record<string, JSONValue>;
};

/** A synced membership: `role` is Clerk's role key as sent; `publicMetadata` parsed. */
export type SyncedMembership = Omit<MembershipRecord, "publicMetadataJson"> & {
  publicMetadata: Record<string, JSONValue>;
};

export function toSyncedOrganization(record: OrganizationRecord): SyncedOrganization;
export function toSyncedOrganization(record: OrganizationRecord | null): SyncedOrganization | null;
export function toSyncedOrganization(record: OrganizationRecord | null): SyncedOrganization | null {
  if (!record) return null;
  const { publicMetadataJson, ...rest } = record;
  return { ...rest, publicMetadata: JSON.parse(publicMetadataJson) };
}

export function toSyncedMembership(record: MembershipRecord): SyncedMembership;
export function toSyncedMembership(record: MembershipRecord | null): SyncedMembership | null;
export function toSyncedMembership(record: MembershipRecord | null): SyncedMembership | null {
  if (!record) return null;
  const { publicMetadataJson, ...rest } = record;
  return { ...rest, publicMetadata: JSON.parse(publicMetadataJson) };
}
