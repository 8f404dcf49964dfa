import type { ComponentApi } from "../component/_generated/component.js";
import type { HookHandles } from "../component/changes.js";
import type { ClerkApiOptions } from "./clerkApiOptions.js";
import type { RunActionCtx } from "./clerkSync.js";
import type { SyncedInvitation, SyncedMembership, SyncedOrganization, SyncedUser } from "./synced.js";

/**
 * Codes of the `ConvexError`s a write-through throws; nothing is written in Convex then.
 * Before any request: `INVALID_ID`: an id is not a Clerk id of its kind (`user_…`, `org_…`,
 * `orginv_…`), so nothing was sent. From Clerk: `CLERK_INVALID`: 400 or 422 (see `errors` for
 * each form field); `CLERK_NOT_FOUND`: 404; `CLERK_RATE_LIMITED`: 429 (see `retryAfter`);
 * `CLERK_UNREACHABLE`: no answer was read (the connection failed before or after Clerk got the
 * request), so the change may have been made in Clerk, and its webhook then syncs it: check
 * before repeating a create; `CLERK_ERROR`: any other status (`status`). After Clerk answered:
 * `CLERK_ANSWER_MISMATCH`: the answer is about another object than the one asked for (another
 * id; for a membership or an invitation, another organization, user or address), so it was not
 * stored; the change may have been made in Clerk, and its webhook then syncs it.
 */
export type ClerkWriteErrorCode =
  | "INVALID_ID"
  | "CLERK_INVALID"
  | "CLERK_NOT_FOUND"
  | "CLERK_RATE_LIMITED"
  | "CLERK_UNREACHABLE"
  | "CLERK_ERROR"
  | "CLERK_ANSWER_MISMATCH";

/** The `data` of a write-through's `ConvexError`: what Clerk answered. */
export type ClerkWriteError = {
  code: ClerkWriteErrorCode;
  /** Clerk's message (its first error's long message), or why no answer came. */
  message: string;
  /** Clerk's HTTP status; null when no answer came, or for `INVALID_ID` and `CLERK_ANSWER_MISMATCH`. */
  status: number | null;
  /** Clerk's errors as sent; `paramName` names the field a form error is about (`email_address`). */
  errors: { code: string; message: string; longMessage: string | null; paramName: string | null }[];
  /** For `CLERK_RATE_LIMITED`: how long to wait, in milliseconds, from Clerk's `Retry-After`. */
  retryAfter: number | null;
};

/** Metadata to merge into Clerk's, as Clerk merges it: deep, and a key set to `null` is removed. */
export type MetadataUpdate = Record<string, unknown>;

/** Options of `createOrganization`, as Clerk's Backend API takes them. */
export type CreateOrganizationOptions = {
  name: string;
  slug?: string;
  /** The Clerk id of the user who creates it: Clerk makes them its first admin. */
  createdBy?: string;
  /** `0` means no limit. */
  maxAllowedMemberships?: number;
  publicMetadata?: MetadataUpdate;
  /** Sent to Clerk, never stored in Convex. */
  privateMetadata?: MetadataUpdate;
};

/** What `updateOrganization` changes (metadata: `updateOrganizationMetadata`). */
export type UpdateOrganizationOptions = {
  name?: string;
  slug?: string;
  maxAllowedMemberships?: number;
  /** Whether the organization's admins may delete it from the Frontend API. */
  adminDeleteEnabled?: boolean;
};

/** Options of `createInvitation`, as Clerk's Backend API takes them. */
export type CreateInvitationOptions = {
  orgId: string;
  emailAddress: string;
  /** The role key the invitee gets (`org:member`). */
  role: string;
  /** The admin who invites (Clerk checks they are one). */
  inviterUserId?: string;
  /** Where the invitee lands after accepting. */
  redirectUrl?: string;
  /** Default 30. */
  expiresInDays?: number;
  /** Copied to the membership when the invitation is accepted. */
  publicMetadata?: MetadataUpdate;
  /** Sent to Clerk, never stored in Convex. */
  privateMetadata?: MetadataUpdate;
};

/** What the write-through needs of a `ClerkSync`. */
export type WriteThroughTarget = {
  readonly component: ComponentApi;
  readonly options: { clerkApi?: ClerkApiOptions };
  hookHandles(): Promise<HookHandles>;
};

// Loaded on demand: keeps `@clerk/backend` out of every module that only reads.
const writes = () => import("./clerkWrites.js");

/**
 * The write-through half of `ClerkSync`: each method changes Clerk with one Backend API
 * request (`CLERK_SECRET_KEY`), then stores the object Clerk answers at once, under the
 * webhook's rules (newer wins, tombstones, hooks once per real change, `source: "api"`).
 * The webhook Clerk sends for the same change then answers `unchanged` and runs no hook.
 * Actions only (Convex allows loading the Backend API client in actions alone). The package
 * exposes no function: the host wraps these in its own actions, with its own authorization.
 * Each returns Clerk's answer; when a newer state is already stored (its webhook landed
 * first), that one stays, so a read after may show it. A Clerk error throws a `ConvexError`
 * whose `data` is a `ClerkWriteError` and writes nothing; a malformed key or API URL throws
 * a plain `Error`.
 */
export abstract class ClerkWriteThrough implements WriteThroughTarget {
  abstract readonly component: ComponentApi;
  abstract readonly options: { clerkApi?: ClerkApiOptions };
  abstract hookHandles(): Promise<HookHandles>;

  /**
   * Merge into a user's metadata as Clerk does (deep; `null` removes a key).
   * @param metadata - `publicMetadata` (stored and synced), `privateMetadata` and `unsafeMetadata` (sent to Clerk, never stored).
   * @returns The user as Clerk answered. It is stored unless a newer state already is (newer wins).
   * @throws ConvexError with a `ClerkWriteError` (`CLERK_NOT_FOUND` for an unknown user).
   */
  async updateUserMetadata(
    ctx: RunActionCtx,
    userId: string,
    metadata: { publicMetadata?: MetadataUpdate; privateMetadata?: MetadataUpdate; unsafeMetadata?: MetadataUpdate },
  ): Promise<SyncedUser> {
    return (await writes()).writeUser(ctx, this, userId, (client) => client.users.updateUserMetadata(userId, metadata));
  }

  /** Ban a user (Clerk revokes their sessions): the stored user has `banned: true` at once. */
  async banUser(ctx: RunActionCtx, userId: string): Promise<SyncedUser> {
    return (await writes()).writeUser(ctx, this, userId, (client) => client.users.banUser(userId));
  }

  /** Lift a user's ban. */
  async unbanUser(ctx: RunActionCtx, userId: string): Promise<SyncedUser> {
    return (await writes()).writeUser(ctx, this, userId, (client) => client.users.unbanUser(userId));
  }

  /** Lock a user out of signing in (until Clerk's lockout ends or `unlockUser`). */
  async lockUser(ctx: RunActionCtx, userId: string): Promise<SyncedUser> {
    return (await writes()).writeUser(ctx, this, userId, (client) => client.users.lockUser(userId));
  }

  /** Lift a user's sign-in lock. */
  async unlockUser(ctx: RunActionCtx, userId: string): Promise<SyncedUser> {
    return (await writes()).writeUser(ctx, this, userId, (client) => client.users.unlockUser(userId));
  }

  /** Delete a user in Clerk; here its row goes (tombstoned), and its memberships and billing follow. */
  async deleteUser(ctx: RunActionCtx, userId: string): Promise<void> {
    return (await writes()).deleteUser(ctx, this, userId);
  }

  /**
   * Create an organization. Clerk's membership for `createdBy` arrives with its webhook.
   * @returns The organization as Clerk answered. It is stored unless a newer state already is.
   * @throws ConvexError with a `ClerkWriteError` (`CLERK_INVALID` for a slug already taken).
   */
  async createOrganization(ctx: RunActionCtx, options: CreateOrganizationOptions): Promise<SyncedOrganization> {
    return (await writes()).writeOrganization(ctx, this, { createdBy: options.createdBy }, (client) =>
      client.organizations.createOrganization(options),
    );
  }

  /** Rename an organization, or change its slug or limits. */
  async updateOrganization(
    ctx: RunActionCtx,
    orgId: string,
    options: UpdateOrganizationOptions,
  ): Promise<SyncedOrganization> {
    return (await writes()).writeOrganization(ctx, this, { orgId }, (client) =>
      client.organizations.updateOrganization(orgId, options),
    );
  }

  /** Merge into an organization's metadata as Clerk does (deep; `null` removes a key; private metadata is never stored). */
  async updateOrganizationMetadata(
    ctx: RunActionCtx,
    orgId: string,
    metadata: { publicMetadata?: MetadataUpdate; privateMetadata?: MetadataUpdate },
  ): Promise<SyncedOrganization> {
    return (await writes()).writeOrganization(ctx, this, { orgId }, (client) =>
      client.organizations.updateOrganizationMetadata(orgId, metadata),
    );
  }

  /** Delete an organization in Clerk; here its row goes (tombstoned), and its memberships, invitations and billing follow. */
  async deleteOrganization(ctx: RunActionCtx, orgId: string): Promise<void> {
    return (await writes()).deleteOrganization(ctx, this, orgId);
  }

  /**
   * Add a user to an organization with a role, without an invitation.
   * @throws ConvexError with a `ClerkWriteError` (`CLERK_INVALID` if already a member or the role is unknown).
   */
  async addMember(
    ctx: RunActionCtx,
    member: { orgId: string; userId: string; role: string },
  ): Promise<SyncedMembership> {
    const { orgId, userId, role } = member;
    return (await writes()).writeMembership(ctx, this, { orgId, userId }, (client) =>
      client.organizations.createOrganizationMembership({ organizationId: orgId, userId, role }),
    );
  }

  /** Change a member's role. */
  async updateMemberRole(
    ctx: RunActionCtx,
    member: { orgId: string; userId: string; role: string },
  ): Promise<SyncedMembership> {
    const { orgId, userId, role } = member;
    return (await writes()).writeMembership(ctx, this, { orgId, userId }, (client) =>
      client.organizations.updateOrganizationMembership({ organizationId: orgId, userId, role }),
    );
  }

  /** Remove a member from an organization. */
  async removeMember(ctx: RunActionCtx, member: { orgId: string; userId: string }): Promise<void> {
    return (await writes()).removeMember(ctx, this, member);
  }

  /**
   * Invite an email address to an organization (Clerk sends the email unless told not to).
   * @returns The pending invitation as Clerk answered. It is stored unless a newer state already is.
   * @throws ConvexError with a `ClerkWriteError` (`CLERK_INVALID` for an address already invited).
   */
  async createInvitation(ctx: RunActionCtx, options: CreateInvitationOptions): Promise<SyncedInvitation> {
    const { orgId, ...fields } = options;
    const asked = { orgId, emailAddress: fields.emailAddress, inviterUserId: fields.inviterUserId };
    return (await writes()).writeInvitation(ctx, this, asked, (client) =>
      client.organizations.createOrganizationInvitation({ organizationId: orgId, ...fields }),
    );
  }

  /** Revoke a pending invitation; `requestingUserId` is the admin who revokes it. */
  async revokeInvitation(
    ctx: RunActionCtx,
    invitation: { orgId: string; invitationId: string; requestingUserId?: string },
  ): Promise<SyncedInvitation> {
    const { orgId, invitationId, requestingUserId } = invitation;
    return (await writes()).writeInvitation(ctx, this, { orgId, invitationId, requestingUserId }, (client) =>
      client.organizations.revokeOrganizationInvitation({
        organizationId: orgId,
        invitationId,
        ...(requestingUserId !== undefined ? { requestingUserId } : {}),
      }),
    );
  }
}
