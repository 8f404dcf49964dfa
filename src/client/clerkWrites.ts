// The write-through's work: one Backend API request through `@clerk/backend`, then Clerk's
// answer applied through the component's snapshot rules. Loaded on demand by `ClerkSync`'s
// write-through methods (Convex allows dynamic import in actions only), so the Backend API
// client stays out of every other code path.
import type { ClerkClient } from "@clerk/backend";
import { isClerkAPIResponseError, type ClerkAPIResponseError } from "@clerk/backend/errors";
import { ConvexError } from "convex/values";
import type { ClerkEvent } from "../component/deliveries.js";
import type { INVITATION_EVENT_TYPES } from "../component/records.js";
import type { RunActionCtx } from "./clerkSync.js";
import { clerkClient, SECRET_KEY_ENV } from "./clerkApi.js";
import { checkIds, type WriteIds } from "./clerkIds.js";
import { normalizeInvitation, normalizeMembership, normalizeOrganization, normalizeUser } from "./normalize.js";
import {
  toSynced,
  type SyncedInvitation,
  type SyncedMembership,
  type SyncedOrganization,
  type SyncedUser,
} from "./synced.js";
import { clip, scrubSecrets } from "./scrub.js";
import type { ClerkWriteError, ClerkWriteErrorCode, WriteThroughTarget } from "./writeThrough.js";

/** The webhook event an invitation in each status arrives with (all apply alike). */
const INVITATION_EVENT_OF: Record<string, (typeof INVITATION_EVENT_TYPES)[number] | undefined> = {
  accepted: "organizationInvitation.accepted",
  revoked: "organizationInvitation.revoked",
};

/** What `@clerk/backend`'s resources keep of Clerk's answer: its JSON, as sent. */
type Answer = { raw: unknown } | { id: string; deleted: boolean };

/** A Clerk request for one write; `@clerk/backend` makes exactly one HTTP request for it. */
type ClerkRequest = (client: ClerkClient) => Promise<Answer>;

/** A user written in Clerk (metadata, ban, lock): Clerk's answer, stored at once if it is that user. */
export async function writeUser(
  ctx: RunActionCtx,
  sync: WriteThroughTarget,
  userId: string,
  request: ClerkRequest,
): Promise<SyncedUser> {
  checkIds({ userId });
  const answer = json(await callClerk(sync, request));
  expectSame("user", answer.id, userId);
  const user = normalizeUser(answer);
  await applyAnswer(ctx, sync, { type: "user.updated", user });
  return toSynced(user);
}

/** An organization created (no `orgId` asked) or written in Clerk. */
export async function writeOrganization(
  ctx: RunActionCtx,
  sync: WriteThroughTarget,
  asked: Pick<WriteIds, "orgId" | "createdBy">,
  request: ClerkRequest,
): Promise<SyncedOrganization> {
  checkIds(asked);
  const answer = json(await callClerk(sync, request));
  if (asked.orgId !== undefined) expectSame("organization", answer.id, asked.orgId);
  const organization = normalizeOrganization(answer);
  await applyAnswer(ctx, sync, { type: "organization.updated", organization });
  return toSynced(organization);
}

/** A membership created or written in Clerk, with the organization snapshot it carries. */
export async function writeMembership(
  ctx: RunActionCtx,
  sync: WriteThroughTarget,
  asked: { orgId: string; userId: string },
  request: ClerkRequest,
): Promise<SyncedMembership> {
  checkIds(asked);
  const { membership, organization } = membershipOf(json(await callClerk(sync, request)), asked);
  await applyAnswer(ctx, sync, { type: "organizationMembership.updated", membership, organization });
  return toSynced(membership);
}

/**
 * An invitation created or revoked in Clerk: stored only if Clerk answered it for the
 * organization asked, and for the invitation (revoke) or the address (create) asked.
 */
export async function writeInvitation(
  ctx: RunActionCtx,
  sync: WriteThroughTarget,
  asked: Pick<WriteIds, "orgId" | "invitationId" | "inviterUserId" | "requestingUserId"> & {
    orgId: string;
    emailAddress?: string;
  },
  request: ClerkRequest,
): Promise<SyncedInvitation> {
  const { emailAddress, ...ids } = asked;
  checkIds(ids);
  const answer = json(await callClerk(sync, request));
  const invitation = normalizeInvitation({ organization_id: asked.orgId, ...answer });
  if (!invitation) throw new Error("Clerk answered an invitation without an email address");
  expectSame("organization", invitation.orgId, asked.orgId);
  if (asked.invitationId !== undefined) expectSame("invitation", invitation.invitationId, asked.invitationId);
  if (emailAddress !== undefined && invitation.emailAddress.toLowerCase() !== emailAddress.toLowerCase()) {
    throw mismatch("an invitation for another email address", "the one asked for");
  }
  await applyAnswer(ctx, sync, {
    type: INVITATION_EVENT_OF[invitation.status] ?? "organizationInvitation.created",
    invitation,
  });
  return toSynced(invitation);
}

// Deletions: the row goes with a tombstone (and, for a user or an organization, its
// memberships, invitations and billing follow), so no older snapshot brings it back.

/** A user deleted in Clerk, then here. */
export async function deleteUser(ctx: RunActionCtx, sync: WriteThroughTarget, userId: string): Promise<void> {
  checkIds({ userId });
  expectSame("user", deletedId(await callClerk(sync, (client) => client.users.deleteUser(userId))), userId);
  await applyAnswer(ctx, sync, { type: "user.deleted", clerkId: userId });
}

/** An organization deleted in Clerk, then here. */
export async function deleteOrganization(ctx: RunActionCtx, sync: WriteThroughTarget, orgId: string): Promise<void> {
  checkIds({ orgId });
  const answer = await callClerk(sync, (client) => client.organizations.deleteOrganization(orgId));
  expectSame("organization", deletedId(answer), orgId);
  await applyAnswer(ctx, sync, { type: "organization.deleted", orgId });
}

/**
 * A member removed in Clerk, then here: Clerk answers the deleted membership, whose id is
 * tombstoned only when it is the membership of the organization and user asked for.
 */
export async function removeMember(
  ctx: RunActionCtx,
  sync: WriteThroughTarget,
  member: { orgId: string; userId: string },
): Promise<void> {
  checkIds(member);
  const answer = await callClerk(sync, (client) =>
    client.organizations.deleteOrganizationMembership({ organizationId: member.orgId, userId: member.userId }),
  );
  const { membership } = membershipOf(json(answer), member);
  await applyAnswer(ctx, sync, { type: "organizationMembership.deleted", membershipId: membership.membershipId });
}

/** Clerk's membership answer, if it is the membership of the organization and user asked for. */
function membershipOf(answer: Record<string, unknown> & { id: string }, asked: { orgId: string; userId: string }) {
  const embedded = answer["organization"];
  const organization =
    isObject(embedded) && typeof embedded["id"] === "string"
      ? normalizeOrganization(embedded as Record<string, unknown> & { id: string })
      : null;
  const membership = normalizeMembership(answer, organization?.orgId ?? asked.orgId);
  expectSame("organization", membership.orgId, asked.orgId);
  expectSame("user", membership.clerkId, asked.userId);
  return { membership, organization };
}

/** The id of the object Clerk answered it deleted. */
function deletedId(answer: Answer): unknown {
  return "raw" in answer ? (isObject(answer.raw) ? answer.raw["id"] : undefined) : answer.id;
}

/** Throws `CLERK_ANSWER_MISMATCH` unless Clerk's answer names the object asked for. */
function expectSame(kind: string, answered: unknown, asked: string): void {
  if (answered === asked) return;
  const named = typeof answered === "string" ? `${kind} ${JSON.stringify(clip(answered))}` : `no ${kind}`;
  throw mismatch(named, `the ${kind} ${JSON.stringify(asked)} asked for`);
}

function mismatch(answered: string, asked: string): ConvexError<ClerkWriteError> {
  return new ConvexError({
    code: "CLERK_ANSWER_MISMATCH",
    message: `Clerk answered with ${answered}, not ${asked}: nothing was stored`,
    status: null,
    errors: [],
    retryAfter: null,
  });
}

/**
 * One request to Clerk. Clerk's errors become a `ConvexError` with a stable code, and nothing
 * is written; anything else (a malformed key or API URL) is thrown as a plain `Error`: the
 * deployment's problem, not the caller's. Either way, no secret key is in the text.
 */
async function callClerk(sync: WriteThroughTarget, request: ClerkRequest): Promise<Answer> {
  const options = sync.options.clerkApi ?? {};
  const client = clerkClient(options);
  if (typeof client === "string") throw new Error(client);
  try {
    return await request(client);
  } catch (error) {
    const keys = [options.secretKey ?? process.env[SECRET_KEY_ENV]];
    if (isClerkAPIResponseError(error)) throw new ConvexError(writeError(error, keys));
    // A malformed key can be quoted in the client's error (an invalid header value): never log
    // it, nor keep the original as the cause.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(scrubSecrets(error instanceof Error ? error.message : String(error), keys));
  }
}

async function applyAnswer(ctx: RunActionCtx, sync: WriteThroughTarget, event: ClerkEvent) {
  await ctx.runMutation(sync.component.writeThrough.apply, { event, hooks: await sync.hookHandles() });
}

/** Clerk's JSON of a resource, with its id. */
function json(answer: Answer): Record<string, unknown> & { id: string } {
  const raw = "raw" in answer ? answer.raw : null;
  if (!isObject(raw) || typeof raw["id"] !== "string") throw new Error("Clerk answered without the object it changed");
  return raw as Record<string, unknown> & { id: string };
}

/**
 * What the caller learns of a failed request: Clerk's status, errors and message, and when to
 * retry; every text with any secret key (`keys`, and any `sk_…`) cut out.
 */
export function writeError(error: ClerkAPIResponseError, keys: readonly (string | undefined)[] = []): ClerkWriteError {
  const scrub = (text: string) => scrubSecrets(text, keys);
  const errors = error.errors.map((e) => ({
    code: scrub(e.code),
    message: scrub(e.message),
    longMessage: e.longMessage === undefined ? null : scrub(e.longMessage),
    paramName: e.meta?.paramName === undefined ? null : scrub(e.meta.paramName),
  }));
  const status = typeof error.status === "number" ? error.status : null;
  const first = errors[0];
  const detail = first ? (first.longMessage ?? first.message) : scrub(error.message);
  const message = status === null ? unknownOutcome(detail) : detail || `Clerk answered ${status}`;
  const retryAfter = status === 429 && error.retryAfter !== undefined ? error.retryAfter * 1000 : null;
  return { code: codeOf(status), message, status, errors, retryAfter };
}

/**
 * With no status, no answer was read: `@clerk/backend` reports a failed fetch, a connection
 * lost while reading Clerk's answer, or an answer it could not read, alike. The request may
 * have reached Clerk and made the change.
 */
function unknownOutcome(detail: string): string {
  return (
    `No answer from Clerk${detail ? ` (${detail})` : ""}: the change may have been made in Clerk, ` +
    "and its webhook then syncs it"
  );
}

function codeOf(status: number | null): ClerkWriteErrorCode {
  if (status === null) return "CLERK_UNREACHABLE";
  if (status === 400 || status === 422) return "CLERK_INVALID";
  if (status === 404) return "CLERK_NOT_FOUND";
  if (status === 429) return "CLERK_RATE_LIMITED";
  return "CLERK_ERROR";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
