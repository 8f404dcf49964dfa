// Everything that talks to Clerk's Backend API. Kept apart from the webhook path:
// `@clerk/backend`'s client is several times the size of svix's verifier, so only the
// backfill entry point imports this module statically, and `ClerkSync` loads it on demand.
import { createClerkClient, type ClerkClient } from "@clerk/backend";
import { ClerkAPIResponseError, isClerkAPIResponseError } from "@clerk/backend/errors";
import type { PermissionRecord, RoleRecord, SubscriptionItemRecord, UserRecord } from "../component/records.js";
import {
  normalizeMembership,
  normalizeOrganization,
  normalizePermission,
  normalizeRole,
  normalizeSubscriptionItem,
  normalizeUser,
} from "./normalize.js";

export const SECRET_KEY_ENV = "CLERK_SECRET_KEY";
const DEFAULT_API_URL = "https://api.clerk.com";
/** The Backend API version whose user list takes a cursor (`starting_after`). */
const API_VERSION = "2026-05-12";

export type ClerkApiOptions = {
  /** Clerk's secret key (`sk_…`). Default: `CLERK_SECRET_KEY`, read on each use, never stored. */
  secretKey?: string;
  /** Clerk's Backend API URL. Default: `CLERK_API_URL` if set, else Clerk's own. */
  apiUrl?: string;
};

/** A Backend API client, or an error message naming the variable to set. */
export function clerkClient(options: ClerkApiOptions): ClerkClient | string {
  const secretKey = options.secretKey ?? process.env[SECRET_KEY_ENV];
  if (!secretKey) return missingKeyMessage();
  const apiUrl = options.apiUrl ?? process.env["CLERK_API_URL"];
  return createClerkClient({ secretKey, ...(apiUrl ? { apiUrl } : {}) });
}

function missingKeyMessage() {
  return `${SECRET_KEY_ENV} is not set: set it to your Clerk secret key (sk_…)`;
}

/**
 * Clerk's Backend API for one backfill step, counting its requests. The secret key is
 * read when it is made and kept only inside it: never stored, logged or scheduled.
 */
export type ClerkApi = {
  /** Requests made so far (failed ones included). */
  readonly requests: number;
  /** A call through `@clerk/backend` that makes one request. */
  call<T>(request: (client: ClerkClient) => Promise<T>): Promise<T>;
  /** A GET that `@clerk/backend` does not offer; a failure throws the same error type as its calls. */
  get(path: string, query: Record<string, string | number>): Promise<unknown>;
};

/** The Backend API for a step, or an error message naming the variable to set. */
export function clerkApi(options: ClerkApiOptions): ClerkApi | string {
  const secretKey = options.secretKey ?? process.env[SECRET_KEY_ENV];
  if (!secretKey) return missingKeyMessage();
  const apiUrl = (options.apiUrl ?? process.env["CLERK_API_URL"] ?? DEFAULT_API_URL).replace(/\/+$/, "");
  const client = createClerkClient({ secretKey, apiUrl });
  let requests = 0;
  return {
    get requests() {
      return requests;
    },
    call(request) {
      requests++;
      return request(client);
    },
    async get(path, query) {
      requests++;
      const url = new URL(`${apiUrl}/v1${path}`);
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { Authorization: `Bearer ${secretKey}`, "Clerk-API-Version": API_VERSION },
        });
      } catch (error) {
        // fetch says only "fetch failed"; the cause says what failed (refused, reset, DNS).
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
        throw new Error(`${error instanceof Error ? error.message : String(error)}${cause}`, { cause: error });
      }
      const body: unknown = await response.json().catch(() => null);
      if (response.ok) return body;
      const errors = isObject(body) && Array.isArray(body["errors"]) ? body["errors"] : [];
      const retryAfter = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
      throw new ClerkAPIResponseError(response.statusText, {
        data: errors,
        status: response.status,
        ...(Number.isNaN(retryAfter) ? {} : { retryAfter }),
      });
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function userList(body: unknown): UserRecord[] {
  if (!Array.isArray(body) || !body.every((user) => isObject(user) && typeof user["id"] === "string")) {
    throw new Error("Clerk's user list answered something other than a list of users");
  }
  return body.map((user) => normalizeUser(user as Record<string, unknown> & { id: string }));
}

/** Clerk's user count: one request, once per full pass. */
export function fetchUserCount(api: ClerkApi): Promise<number> {
  return api.call((client) => client.users.getCount());
}

/** Statuses with which Clerk may refuse a cursor whose user has been deleted since. */
const CURSOR_REFUSED = new Set([400, 404, 422]);

/**
 * The page of users after `after`, oldest first, by Clerk's cursor: one request, whose
 * cost does not grow with the position, and which no deletion can shift. If Clerk refuses
 * the cursor (its user was deleted since), the page restarts at the cursor's `created_at`
 * instead (a second request; users already read come again and are unchanged).
 */
export async function fetchUsersAfter(
  api: ClerkApi,
  after: { id: string; createdAt: number } | null,
  limit: number,
): Promise<UserRecord[]> {
  const query = { limit, order_by: "+created_at" };
  if (!after) return userList(await api.get("/users", query));
  try {
    return userList(await api.get("/users", { ...query, starting_after: after.id }));
  } catch (error) {
    if (!isClerkAPIResponseError(error) || !CURSOR_REFUSED.has(error.status)) throw error;
    // `created_at_after` is exclusive: from the cursor's millisecond on, ties included.
    return userList(await api.get("/users", { ...query, created_at_after: after.createdAt - 1 }));
  }
}

/**
 * A page of users, most recently updated first. Clerk's cursor needs the `created_at`
 * order, so this one pages by offset: an incremental pass reads only the users changed
 * since its watermark, so the offset stays small.
 */
export async function fetchUsersByUpdate(api: ClerkApi, offset: number, limit: number): Promise<UserRecord[]> {
  return userList(await api.get("/users", { limit, offset, order_by: "-updated_at" }));
}

/** A page of organizations, oldest first (Clerk offers offset paging only for them). */
export async function fetchOrganizations(api: ClerkApi, offset: number, limit: number) {
  const { data } = await api.call((client) =>
    client.organizations.getOrganizationList({ limit, offset, orderBy: "+created_at" }),
  );
  return data.map((org) => normalizeOrganization(org.raw!));
}

/** A page of the instance's memberships with their organizations, oldest first (offset paging only). */
export async function fetchMemberships(api: ClerkApi, offset: number, limit: number) {
  const { data } = await api.call((client) =>
    client.organizations.getInstanceOrganizationMembershipList({ limit, offset, orderBy: "+created_at" }),
  );
  return data.map(({ raw }) => {
    const organization = raw!.organization ? normalizeOrganization(raw!.organization) : null;
    return { membership: normalizeMembership(raw!, raw!.organization?.id ?? ""), organization };
  });
}

/** The objects of a `{ data, total_count }` list (a bare array is taken as it is), each with an id. */
function listData(body: unknown, what: string): (Record<string, unknown> & { id: string })[] {
  const data = Array.isArray(body) ? body : isObject(body) ? body["data"] : undefined;
  if (!Array.isArray(data) || !data.every((item) => isObject(item) && typeof item["id"] === "string")) {
    throw new Error(`Clerk's ${what} list answered something other than a list of ${what}`);
  }
  return data as (Record<string, unknown> & { id: string })[];
}

// `@clerk/backend`'s Permission and Role objects drop the permission's `type` (system or
// custom) and keep no raw JSON, so these lists are read as JSON, for the webhook normalizers.
// Clerk offers offset paging only for these lists; each request is one page.

/** A page of the instance's organization permissions, oldest first (offset paging only). */
export async function fetchPermissions(api: ClerkApi, offset: number, limit: number): Promise<PermissionRecord[]> {
  const body = await api.get("/organization_permissions", { limit, offset, order_by: "+created_at" });
  return listData(body, "permissions").map(normalizePermission);
}

/** A page of the instance's organization roles, oldest first, each with the permissions it carries. */
export async function fetchRoles(
  api: ClerkApi,
  offset: number,
  limit: number,
): Promise<{ role: RoleRecord; permissions: PermissionRecord[] }[]> {
  const body = await api.get("/organization_roles", { limit, offset, order_by: "+created_at" });
  return listData(body, "roles").map((role) => ({
    role: normalizeRole(role),
    permissions: listData(role["permissions"] ?? [], "permissions").map(normalizePermission),
  }));
}

/**
 * A page of Clerk Billing plans, user and organization plans alike (`@clerk/backend`'s
 * `getPlanList` requires one payer type), newest first (Clerk takes no order), as each
 * plan's feature slugs.
 */
export async function fetchPlans(api: ClerkApi, offset: number, limit: number) {
  const body = await api.get("/billing/plans", { limit, offset });
  return listData(body, "plans").map((plan) => ({
    planId: plan.id,
    features: (Array.isArray(plan["features"]) ? plan["features"] : []).flatMap((feature) =>
      isObject(feature) && typeof feature["slug"] === "string" && feature["slug"] !== "" ? [feature["slug"]] : [],
    ),
  }));
}

/**
 * A page of the instance's subscription items, free plans' included, newest first (Clerk
 * takes no order). `@clerk/backend` does not list them. Each names its payer, not its subscription.
 */
export async function fetchSubscriptionItems(
  api: ClerkApi,
  offset: number,
  limit: number,
): Promise<SubscriptionItemRecord[]> {
  const body = await api.get("/billing/subscription_items", { limit, offset, include_free: "true" });
  return listData(body, "subscription items").map(normalizeSubscriptionItem);
}

/** One user, or null when Clerk answers 404 (deleted, or never existed). */
export async function fetchUser(client: ClerkClient, clerkId: string): Promise<UserRecord | null> {
  try {
    return normalizeUser((await client.users.getUser(clerkId)).raw!);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

function isNotFound(error: unknown) {
  return isClerkAPIResponseError(error) && error.status === 404;
}

/** Whether Clerk no longer has a user: one request. */
export async function userIsGone(api: ClerkApi, clerkId: string): Promise<boolean> {
  return (await api.call((client) => fetchUser(client, clerkId))) === null;
}

/** Whether Clerk no longer has an organization: one request. */
export async function organizationIsGone(api: ClerkApi, orgId: string): Promise<boolean> {
  try {
    await api.call((client) => client.organizations.getOrganization({ organizationId: orgId }));
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

/** Whether Clerk no longer has an organization role: one request. */
export function roleIsGone(api: ClerkApi, roleId: string): Promise<boolean> {
  return answersNotFound(api, (client) => client.organizationRoles.getOrganizationRole(roleId));
}

/** Whether Clerk no longer has an organization permission: one request. */
export function permissionIsGone(api: ClerkApi, permissionId: string): Promise<boolean> {
  return answersNotFound(api, (client) => client.organizationPermissions.getOrganizationPermission(permissionId));
}

async function answersNotFound(api: ClerkApi, request: (client: ClerkClient) => Promise<unknown>): Promise<boolean> {
  try {
    await api.call(request);
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

/** Clerk allows up to 100 user ids per membership filter. */
const USER_ID_FILTER_MAX = 100;

/**
 * Of one organization's stored memberships, those Clerk no longer has: one request per
 * 100 members (filtered by user id). All of them if the organization is gone. A membership
 * whose member is unknown (no user id synced) can only be confirmed gone with its organization.
 */
export async function goneMemberships(
  api: ClerkApi,
  orgId: string,
  candidates: { membershipId: string; clerkId: string | null }[],
): Promise<string[]> {
  const gone: string[] = [];
  const known = candidates.filter((c): c is { membershipId: string; clerkId: string } => c.clerkId !== null);
  const batches = known.length === 0 ? [[]] : chunks(known, USER_ID_FILTER_MAX);
  for (const batch of batches) {
    try {
      const { data } = await api.call((client) =>
        client.organizations.getOrganizationMembershipList({
          organizationId: orgId,
          limit: USER_ID_FILTER_MAX,
          ...(batch.length > 0 ? { userId: batch.map((c) => c.clerkId) } : {}),
        }),
      );
      const present = new Set(data.map((membership) => membership.id));
      gone.push(...batch.filter((c) => !present.has(c.membershipId)).map((c) => c.membershipId));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return candidates.map((c) => c.membershipId); // the organization itself is gone
    }
  }
  return gone;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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
