import { v, type Infer } from "convex/values";

// What the component stores and returns for each Clerk object. Metadata is kept as JSON
// text: Clerk's metadata is user-defined JSON whose keys may be anything (`$ref`,
// non-ASCII, control characters), which Convex objects cannot hold. The client maps it
// to a Convex-safe object (`src/client/metadata.ts`) and keeps the text as it came.

/** A Clerk user as the component stores and returns it. */
export const userRecordFields = {
  clerkId: v.string(),
  email: v.union(v.string(), v.null()),
  emailVerified: v.boolean(),
  phone: v.union(v.string(), v.null()),
  username: v.union(v.string(), v.null()),
  firstName: v.union(v.string(), v.null()),
  lastName: v.union(v.string(), v.null()),
  name: v.string(),
  imageUrl: v.union(v.string(), v.null()),
  externalId: v.union(v.string(), v.null()),
  publicMetadataJson: v.string(),
  /** Clerk's `created_at`, milliseconds. */
  createdAt: v.number(),
  /** Clerk's `updated_at`, milliseconds: the version used to order snapshots. */
  updatedAt: v.number(),
  lastSignInAt: v.union(v.number(), v.null()),
  banned: v.boolean(),
  /** Clerk's `locked`: too many failed sign-in attempts (lifted by Clerk after a while). */
  locked: v.boolean(),
};
export const vUserRecord = v.object(userRecordFields);
export type UserRecord = Infer<typeof vUserRecord>;

/** A Clerk organization as the component stores and returns it. */
export const organizationRecordFields = {
  orgId: v.string(),
  name: v.string(),
  slug: v.union(v.string(), v.null()),
  imageUrl: v.union(v.string(), v.null()),
  /** The Clerk id of the user who created it. */
  createdBy: v.union(v.string(), v.null()),
  publicMetadataJson: v.string(),
  createdAt: v.number(),
  updatedAt: v.number(),
};
export const vOrganizationRecord = v.object(organizationRecordFields);
export type OrganizationRecord = Infer<typeof vOrganizationRecord>;

/** A user's membership in an organization. */
export const membershipRecordFields = {
  membershipId: v.string(),
  orgId: v.string(),
  /** The member's Clerk user id; null until a snapshot carries `public_user_data`. */
  clerkId: v.union(v.string(), v.null()),
  /** Clerk's role key as sent: `org:admin`, `org:member`, or legacy `admin`/`basic_member`. */
  role: v.string(),
  permissions: v.array(v.string()),
  /** The member's email, phone or username, as Clerk shows it. */
  identifier: v.union(v.string(), v.null()),
  publicMetadataJson: v.string(),
  createdAt: v.number(),
  updatedAt: v.number(),
};
export const vMembershipRecord = v.object(membershipRecordFields);
export type MembershipRecord = Infer<typeof vMembershipRecord>;

/** A membership with the organization snapshot Clerk sends along with it. */
export const vMembershipWithOrganization = v.object({
  membership: vMembershipRecord,
  organization: v.union(vOrganizationRecord, v.null()),
});
export type MembershipWithOrganization = Infer<typeof vMembershipWithOrganization>;
