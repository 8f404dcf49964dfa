// Everything that talks to Clerk's Backend API. Kept apart from the webhook path:
// `@clerk/backend`'s client is several times the size of svix's verifier, so only the
// backfill entry point imports this module statically, and `ClerkSync` loads it on demand.
import { createClerkClient, type ClerkClient } from "@clerk/backend";
import { isClerkAPIResponseError } from "@clerk/backend/errors";
import type { BackfillPage } from "../component/backfillValidators.js";
import type { UserRecord } from "../component/records.js";
import { normalizeMembership, normalizeOrganization, normalizeUser } from "./normalize.js";

export const SECRET_KEY_ENV = "CLERK_SECRET_KEY";

export type ClerkApiOptions = {
  /** Clerk's secret key (`sk_…`). Default: `CLERK_SECRET_KEY`, read on each use, never stored. */
  secretKey?: string;
  /** Clerk's Backend API URL. Default: `CLERK_API_URL` if set, else Clerk's own. */
  apiUrl?: string;
};

/** A Backend API client, or an error message naming the variable to set. */
export function clerkClient(options: ClerkApiOptions): ClerkClient | string {
  const secretKey = options.secretKey ?? process.env[SECRET_KEY_ENV];
  if (!secretKey) return `${SECRET_KEY_ENV} is not set: set it to your Clerk secret key (sk_…)`;
  const apiUrl = options.apiUrl ?? process.env.CLERK_API_URL;
  return createClerkClient({ secretKey, ...(apiUrl ? { apiUrl } : {}) });
}

/** The Backend API requests `fetchUserPage` makes: `getUserList` also fetches the count. */
export const REQUESTS_PER_PAGE = 2;

/** One page of users in a stable order (oldest first), normalized, and Clerk's user count. */
export async function fetchUserPage(client: ClerkClient, offset: number, limit: number) {
  const page = await client.users.getUserList({ limit, offset, orderBy: "+created_at" });
  return { users: page.data.map((user) => normalizeUser(user.raw!)), totalCount: page.totalCount };
}

/** One page of any list the backfill walks, normalized, and the requests it took. */
export async function fetchBackfillPage(
  client: ClerkClient,
  kind: BackfillPage["kind"],
  offset: number,
  limit: number,
): Promise<{ page: BackfillPage; size: number; requests: number; clerkTotal?: number }> {
  const params = { limit, offset, orderBy: "+created_at" } as const;
  if (kind === "users") {
    const { users, totalCount } = await fetchUserPage(client, offset, limit);
    return { page: { kind, users }, size: users.length, requests: REQUESTS_PER_PAGE, clerkTotal: totalCount };
  }
  if (kind === "organizations") {
    const { data } = await client.organizations.getOrganizationList(params);
    const organizations = data.map((org) => normalizeOrganization(org.raw!));
    return { page: { kind, organizations }, size: organizations.length, requests: 1 };
  }
  const { data } = await client.organizations.getInstanceOrganizationMembershipList(params);
  const memberships = data.map(({ raw }) => {
    const organization = raw!.organization ? normalizeOrganization(raw!.organization) : null;
    return { membership: normalizeMembership(raw!, raw!.organization?.id ?? ""), organization };
  });
  return { page: { kind, memberships }, size: memberships.length, requests: 1 };
}

/** One user, or null when Clerk answers 404 (deleted, or never existed). */
export async function fetchUser(client: ClerkClient, clerkId: string): Promise<UserRecord | null> {
  try {
    return normalizeUser((await client.users.getUser(clerkId)).raw!);
  } catch (error) {
    if (isClerkAPIResponseError(error) && error.status === 404) return null;
    throw error;
  }
}

/** How long to wait after a failed request: Clerk's `Retry-After` on a 429, else `fallbackMs`. */
export function retryDelay(error: unknown, fallbackMs: number): { delayMs: number; message: string } {
  const status = isClerkAPIResponseError(error) ? error.status : undefined;
  if (status === 429) {
    const retryAfter = isClerkAPIResponseError(error) ? error.retryAfter : undefined;
    return { delayMs: (retryAfter ?? 10) * 1000, message: "Clerk rate limit (429): waiting as told" };
  }
  const detail = isClerkAPIResponseError(error)
    ? (error.errors[0]?.message ?? error.message)
    : error instanceof Error
      ? error.message
      : String(error);
  // No status: the request itself failed (connection refused or dropped, DNS, timeout).
  const message = status ? `Clerk answered ${status}: ${detail}` : `Clerk request failed: ${detail}`;
  return { delayMs: fallbackMs, message };
}
