import { v, type Infer, type Value } from "convex/values";
import {
  membershipRecordFields,
  organizationRecordFields,
  userRecordFields,
  vPayerBilling,
  vRoleRecord,
  vSubscriptionItemRecord,
  vSubscriptionRecord,
  type MembershipRecord,
  type OrganizationRecord,
  type UserRecord,
} from "../component/records.js";
import { metadataFromJson } from "./metadata.js";

// Every record the host sees, with its metadata twice: `publicMetadata`, a Convex-safe
// object (see metadata.ts), and `publicMetadataJson`, Clerk's JSON exactly as it came.
// Each is a valid Convex value: a host may return it from a function or pass it as an argument.
const vPublicMetadata = v.record(v.string(), v.any());

/** A synced Clerk user, as `ClerkSync` returns it: use it in a host function's `returns`/`args`. */
export const vSyncedUser = v.object({ ...userRecordFields, publicMetadata: vPublicMetadata });
/** A synced Clerk organization. */
export const vSyncedOrganization = v.object({ ...organizationRecordFields, publicMetadata: vPublicMetadata });
/**
 * A synced membership; `role` is Clerk's role key as sent, `permissions` the effective set
 * (the role's current permissions when the role is synced, else what the membership carried).
 */
export const vSyncedMembership = v.object({ ...membershipRecordFields, publicMetadata: vPublicMetadata });

type WithMetadata<T> = Omit<T, "publicMetadata"> & { publicMetadata: Record<string, Value> };
/** A synced Clerk user. `null` where Clerk has nothing. */
export type SyncedUser = WithMetadata<Infer<typeof vSyncedUser>>;
/** A synced Clerk organization. */
export type SyncedOrganization = WithMetadata<Infer<typeof vSyncedOrganization>>;
/** A synced membership: `role` is Clerk's role key as sent. */
export type SyncedMembership = WithMetadata<Infer<typeof vSyncedMembership>>;

type Synced<R> = R extends UserRecord
  ? SyncedUser
  : R extends OrganizationRecord
    ? SyncedOrganization
    : R extends MembershipRecord
      ? SyncedMembership
      : never;

/** The host-facing shape of a stored record (user, organization or membership). */
export function toSynced<R extends UserRecord | OrganizationRecord | MembershipRecord>(record: R): Synced<R>;
export function toSynced<R extends UserRecord | OrganizationRecord | MembershipRecord>(
  record: R | null,
): Synced<R> | null;
export function toSynced<R extends UserRecord | OrganizationRecord | MembershipRecord>(
  record: R | null,
): Synced<R> | null {
  if (!record) return null;
  const synced = { ...record } as Record<string, unknown>;
  // Mapped on first read, then kept: a hook or query that never reads `publicMetadata` does
  // not pay for it (8 KB of deeply nested metadata costs milliseconds, and a backfill page
  // runs 500 hooks in one mutation). Spreading, returning or storing the object reads it.
  Object.defineProperty(synced, "publicMetadata", {
    enumerable: true,
    configurable: true,
    get() {
      const value = metadataFromJson(record.publicMetadataJson);
      Object.defineProperty(synced, "publicMetadata", { value, enumerable: true, writable: true, configurable: true });
      return value;
    },
    set(value: unknown) {
      Object.defineProperty(synced, "publicMetadata", { value, enumerable: true, writable: true, configurable: true });
    },
  });
  return synced as unknown as Synced<R>;
}

// Roles and billing carry no metadata: the host sees them as stored.
/** A synced organization role, with the permissions it grants now. */
export const vSyncedRole = vRoleRecord;
export type SyncedRole = Infer<typeof vSyncedRole>;
/** A payer's Clerk Billing: its subscription, current items, and the plans and features they grant. */
export const vSyncedSubscription = vPayerBilling;
export type SyncedSubscription = Infer<typeof vSyncedSubscription>;
/** A Clerk Billing subscription, as billing hooks receive it. */
export const vSyncedSubscriptionRecord = vSubscriptionRecord;
export type SyncedSubscriptionRecord = Infer<typeof vSyncedSubscriptionRecord>;
/** One plan of a subscription for one period, as billing hooks and `SyncedSubscription.items` hold it. */
export const vSyncedSubscriptionItem = vSubscriptionItemRecord;
export type SyncedSubscriptionItem = Infer<typeof vSyncedSubscriptionItem>;
