// The write-through's work: one Backend API request through `@clerk/backend`, then Clerk's
// answer applied through the component's snapshot rules. Loaded on demand by `ClerkSync`'s
// write-through methods (Convex allows dynamic import in actions only), so the Backend API
// client stays out of every other code path.
import type { ClerkClient } from "@clerk/backend";
import { isClerkAPIResponseError } from "@clerk/backend/errors";
import { ConvexError } from "convex/values";
import type { ClerkEvent } from "../component/deliveries.js";
import type { INVITATION_EVENT_TYPES } from "../component/records.js";
import type { RunActionCtx } from "./clerkSync.js";
import { clerkClient } from "./clerkApi.js";
import { normalizeInvitation, normalizeMembership, normalizeOrganization, normalizeUser } from "./normalize.js";
import {
  toSynced,
  type SyncedInvitation,
  type SyncedMembership,
  type SyncedOrganization,
  type SyncedUser,
} from "./synced.js";
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

/** A user written in Clerk (metadata, ban, lock): Clerk's answer, stored at once. */
export async function writeUser(
  ctx: RunActionCtx,
  sync: WriteThroughTarget,
  request: ClerkRequest,
): Promise<SyncedUser> {
  const user = normalizeUser(json(await callClerk(sync, request)));
  await applyAnswer(ctx, sync, { type: "user.updated", user });
  return toSynced(user);
}

/** An organization created or written in Clerk. */
export async function writeOrganization(
  ctx: RunActionCtx,
  sync: WriteThroughTarget,
  request: ClerkRequest,
): Promise<SyncedOrganization> {
  const organization = normalizeOrganization(json(await callClerk(sync, request)));
  await applyAnswer(ctx, sync, { type: "organization.updated", organization });
  return toSynced(organization);
}

/** A membership created or written in Clerk, with the organization snapshot it carries. */
export async function writeMembership(
  ctx: RunActionCtx,
  sync: WriteThroughTarget,
  orgId: string,
  request: ClerkRequest,
): Promise<SyncedMembership> {
  const answer = json(await callClerk(sync, request));
  const embedded = answer["organization"];
  const organization =
    isObject(embedded) && typeof embedded["id"] === "string"
      ? normalizeOrganization(embedded as Record<string, unknown> & { id: string })
      : null;
  const membership = normalizeMembership(answer, organization?.orgId ?? orgId);
  await applyAnswer(ctx, sync, { type: "organizationMembership.updated", membership, organization });
  return toSynced(membership);
}

/** An invitation created or revoked in Clerk. */
export async function writeInvitation(
  ctx: RunActionCtx,
  sync: WriteThroughTarget,
  orgId: string,
  request: ClerkRequest,
): Promise<SyncedInvitation> {
  const answer = json(await callClerk(sync, request));
  const invitation = normalizeInvitation({ organization_id: orgId, ...answer });
  if (!invitation) throw new Error("Clerk answered an invitation without an email address");
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
  await callClerk(sync, (client) => client.users.deleteUser(userId));
  await applyAnswer(ctx, sync, { type: "user.deleted", clerkId: userId });
}

/** An organization deleted in Clerk, then here. */
export async function deleteOrganization(ctx: RunActionCtx, sync: WriteThroughTarget, orgId: string): Promise<void> {
  await callClerk(sync, (client) => client.organizations.deleteOrganization(orgId));
  await applyAnswer(ctx, sync, { type: "organization.deleted", orgId });
}

/** A member removed in Clerk, then here: Clerk answers the deleted membership, whose id is stored. */
export async function removeMember(
  ctx: RunActionCtx,
  sync: WriteThroughTarget,
  member: { orgId: string; userId: string },
): Promise<void> {
  const answer = await callClerk(sync, (client) =>
    client.organizations.deleteOrganizationMembership({ organizationId: member.orgId, userId: member.userId }),
  );
  await applyAnswer(ctx, sync, { type: "organizationMembership.deleted", membershipId: json(answer).id });
}

/**
 * One request to Clerk. Clerk's errors, and `@clerk/backend`'s refusals of an argument, become
 * a `ConvexError` with a stable code, and nothing is written; anything else (a malformed key or
 * API URL) is thrown as it is: the deployment's problem, not the caller's.
 */
async function callClerk(sync: WriteThroughTarget, request: ClerkRequest): Promise<Answer> {
  const client = clerkClient(sync.options.clerkApi ?? {});
  if (typeof client === "string") throw new Error(client);
  try {
    return await request(client);
  } catch (error) {
    if (isClerkAPIResponseError(error) || isRefusedArgument(error)) throw new ConvexError(writeError(error));
    // A malformed key can be quoted in the client's error (an invalid header value): never log
    // it, nor keep the original as the cause.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(withoutSecretKeys(error instanceof Error ? error.message : String(error)));
  }
}

/** `text` with anything shaped like a Clerk secret key (`sk_test_…`, `sk_live_…`) cut to its prefix. */
function withoutSecretKeys(text: string): string {
  return text.replace(/\b(sk_(?:test|live)_)[^\s"'`]*/g, "$1…");
}

/**
 * `@clerk/backend`'s refusals of an id before sending anything: an empty id, or one that is a
 * `.` or `..` path segment (plain or URL-encoded).
 */
function isRefusedArgument(error: unknown): error is Error {
  return (
    error instanceof Error &&
    (error.message === "A valid resource ID is required." || error.message.startsWith("joinPaths: "))
  );
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

/** What the caller learns of a failed request: Clerk's status, errors and message, and when to retry. */
export function writeError(error: unknown): ClerkWriteError {
  if (!isClerkAPIResponseError(error)) {
    // `@clerk/backend` refused an id before sending anything.
    const message = error instanceof Error ? error.message : String(error);
    return { code: "CLERK_INVALID", message, status: null, errors: [], retryAfter: null };
  }
  const errors = error.errors.map((e) => ({
    code: e.code,
    message: e.message,
    longMessage: e.longMessage ?? null,
    paramName: e.meta?.paramName ?? null,
  }));
  const status = typeof error.status === "number" ? error.status : null;
  const first = errors[0];
  const detail = first ? (first.longMessage ?? first.message) : error.message;
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
