import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { backfillRunFields, graceStoreFields } from "./backfillValidators.js";
import { deliveryFailureFields, failureDetailFields } from "./failures.js";
import { heartbeatFields, heartbeatSettingsFields, outageFields } from "./heartbeatRecords.js";
import { refusalFields } from "./refusals.js";
import {
  invitationRecordFields,
  membershipRecordFields,
  organizationRecordFields,
  permissionRecordFields,
  roleRecordFields,
  subscriptionItemRecordFields,
  subscriptionRecordFields,
  userRecordFields,
} from "./records.js";

export default defineSchema({
  /** One row per live Clerk user. */
  users: defineTable({
    ...userRecordFields,
    /** `email` lower-cased, for case-insensitive lookups. */
    emailLower: v.union(v.string(), v.null()),
  })
    .index("by_clerk_id", ["clerkId"])
    .index("by_email_lower", ["emailLower"])
    .index("by_external_id", ["externalId"]),

  /** One row per live Clerk organization. */
  organizations: defineTable(organizationRecordFields).index("by_org_id", ["orgId"]).index("by_slug", ["slug"]),

  /** Who belongs to which organization, with what role. */
  memberships: defineTable(membershipRecordFields)
    .index("by_membership_id", ["membershipId"])
    .index("by_org_user", ["orgId", "clerkId"])
    .index("by_user", ["clerkId"]),

  /** Invitations to join an organization, whatever their status (Clerk keeps them all). */
  invitations: defineTable(invitationRecordFields)
    .index("by_invitationId", ["invitationId"])
    .index("by_orgId_and_createdAt", ["orgId", "createdAt"])
    .index("by_orgId_and_status_and_createdAt", ["orgId", "status", "createdAt"]),

  /** Organization roles, looked up by the key a membership carries (newest version last). */
  roles: defineTable(roleRecordFields).index("by_role_id", ["roleId"]).index("by_key", ["key", "updatedAt"]),

  /** Organization permissions, for the current key of each permission a role grants. */
  permissions: defineTable(permissionRecordFields).index("by_permission_id", ["permissionId"]),

  /** Clerk Billing subscriptions, by payer (a user or an organization). */
  subscriptions: defineTable(subscriptionRecordFields)
    .index("by_subscription_id", ["subscriptionId"])
    .index("by_payer", ["payerId", "createdAt"]),

  /** Clerk Billing subscription items: one plan of a subscription, for one period. */
  subscriptionItems: defineTable(subscriptionItemRecordFields)
    .index("by_item_id", ["itemId"])
    .index("by_payer", ["payerId", "updatedAt"]),

  /**
   * Deleted users, organizations, memberships, invitations, roles and permissions, by Clerk object id.
   * Clerk never reuses an id, so a tombstone makes every later snapshot of that id stale,
   * whatever its `updated_at`. No personal data is kept.
   */
  tombstones: defineTable({
    objectId: v.string(),
    deletedAt: v.number(),
  })
    .index("by_object_id", ["objectId"])
    .index("by_deleted_at", ["deletedAt"]),

  /** Svix message ids already applied, so a redelivery is a no-op. */
  deliveries: defineTable({
    svixId: v.string(),
    eventType: v.string(),
    outcome: v.string(),
    receivedAt: v.number(),
  })
    .index("by_svix_id", ["svixId"])
    .index("by_received_at", ["receivedAt"])
    .index("by_event_type", ["eventType", "receivedAt"]),

  /**
   * Users `syncCurrentUser` stored because their webhook had not landed, for `getSyncHealth`:
   * one row per such sign-up (never per delivery), kept 30 days. `followed` once the user's
   * `user.created` delivery is applied.
   */
  signUpFallbacks: defineTable({
    clerkId: v.string(),
    storedAt: v.number(),
    followed: v.boolean(),
  })
    .index("by_storedAt", ["storedAt"])
    .index("by_clerkId", ["clerkId"]),

  /**
   * The latest deliveries that could not be applied (no signing secret, a hook threw), for
   * `getSyncStatus`. Capped: a flood of requests cannot grow it. No personal data.
   */
  deliveryFailures: defineTable(deliveryFailureFields)
    .index("by_failed_at", ["failedAt"])
    .index("by_reason", ["reason", "failedAt"]),
  /** What a host said when its hook refused a change, for the failure it belongs to. */
  failureDetails: defineTable(failureDetailFields).index("by_failure_id", ["failureId"]),

  /**
   * Requests refused for their signature, counted per 5-minute window, no body kept: a flood of
   * forged requests updates one row per window and cannot grow the table (a day of windows kept).
   */
  signatureRefusals: defineTable(refusalFields).index("by_window", ["windowStart"]),

  /** The heartbeat's settings: its Clerk user and this deployment's nonce prefix (one row). */
  heartbeatSettings: defineTable(heartbeatSettingsFields),

  /** The heartbeat's round trips (sent, delivered), kept 2 days. */
  heartbeats: defineTable(heartbeatFields)
    .index("by_nonce", ["nonce"])
    .index("by_sentAt", ["sentAt"])
    .index("by_deliveredAt", ["deliveredAt"]),

  /** Outages a returning heartbeat ended, with the pass started to repair them; the newest 20. */
  outages: defineTable(outageFields).index("by_to", ["to"]),

  /** Backfill and reconciliation runs over Clerk's Backend API; at most one is running. */
  backfillRuns: defineTable(backfillRunFields)
    .index("by_status", ["status"])
    // A mode's runs newest first across statuses (the history kept), and a status's newest (health).
    // eslint-disable-next-line @convex-dev/no-duplicate-indexes
    .index("by_mode", ["mode"])
    .index("by_mode_and_status", ["mode", "status"]),

  /**
   * The full pass under way, as a delivery of a user the component does not hold reads it
   * (backfill/coverage.ts): at most one row, inserted when the pass starts, patched when it has
   * listed users and deleted when it ends. Its steps never write it, so such a delivery does
   * not conflict with the pass's progress in `backfillRuns`.
   */
  fullPassListing: defineTable({
    runId: v.id("backfillRuns"),
    startedAt: v.number(),
    /** The pass is still listing users (its first stage). */
    listingUsers: v.boolean(),
  }),

  /**
   * Changes a pass stored inside the repair grace, until a delivery brings them or the next pass
   * of their kind counts them as repairs (kept 30 days at most).
   */
  graceStores: defineTable(graceStoreFields)
    .index("by_objectId", ["objectId"])
    .index("by_kind_and_changedAt", ["kind", "changedAt"])
    .index("by_storedAt", ["storedAt"]),

  /**
   * Users, organizations and memberships a full pass saw in Clerk, for its reconciliation;
   * deleted when the run ends.
   */
  backfillSeen: defineTable({
    runId: v.id("backfillRuns"),
    /** The Clerk id of the user, organization or membership (Clerk's ids never collide across kinds). */
    clerkId: v.string(),
  }).index("by_run_clerk_id", ["runId", "clerkId"]),
});
