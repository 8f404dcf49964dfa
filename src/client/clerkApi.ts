// The client for Clerk's Backend API and what every request shares: the secret key, errors,
// 404s, `{ data, total_count }` lists (each kind's own requests are in backfill/). Kept apart
// from the webhook path: `@clerk/backend`'s client is several times the size of svix's
// verifier, so only the backfill entry point imports this module statically, and `ClerkSync`
// loads it on demand.
import { createClerkClient, type ClerkClient } from "@clerk/backend";
import { ClerkAPIResponseError, isClerkAPIResponseError } from "@clerk/backend/errors";
import type { UserRecord } from "../component/records.js";
import type { ClerkApiOptions } from "./clerkApiOptions.js";
import { normalizeUser } from "./normalize.js";
import { scrubSecrets } from "./scrub.js";

export const SECRET_KEY_ENV = "CLERK_SECRET_KEY";
const DEFAULT_API_URL = "https://api.clerk.com";
/** The Backend API version whose user list takes a cursor (`starting_after`). */
const API_VERSION = "2026-05-12";

export type { ClerkApiOptions };

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

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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

export function isNotFound(error: unknown) {
  return isClerkAPIResponseError(error) && error.status === 404;
}

/** Whether Clerk answers a request with 404: the object is gone (or never existed). One request. */
export async function answersNotFound(
  api: ClerkApi,
  request: (client: ClerkClient) => Promise<unknown>,
): Promise<boolean> {
  try {
    await api.call(request);
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

/** The objects of a `{ data, total_count }` list (a bare array is taken as it is), each with an id, and the list's count. */
export function listData(
  body: unknown,
  what: string,
): { data: (Record<string, unknown> & { id: string })[]; total?: number } {
  const data = Array.isArray(body) ? body : isObject(body) ? body["data"] : undefined;
  if (!Array.isArray(data) || !data.every((item) => isObject(item) && typeof item["id"] === "string")) {
    throw new Error(`Clerk's ${what} list answered something other than a list of ${what}`);
  }
  const total = isObject(body) && typeof body["total_count"] === "number" ? body["total_count"] : undefined;
  return { data: data as (Record<string, unknown> & { id: string })[], ...(total !== undefined ? { total } : {}) };
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
  // The message is kept in the run's status: Clerk's text may quote the key.
  const said = scrubSecrets(detail, [process.env[SECRET_KEY_ENV]]);
  const message = status ? `Clerk answered ${status}: ${said}` : `Clerk request failed: ${said}`;
  return { delayMs: fallbackMs, message };
}
