import { isClerkAPIResponseError } from "@clerk/backend/errors";
import type { UserRecord } from "../../component/records.js";
import { fetchUser, isObject, type ClerkApi } from "../clerkApi.js";
import { heartbeatNonce } from "../heartbeatMarker.js";
import { normalizeUser } from "../normalize.js";
import { goneOneByOne, type ClientSource } from "./source.js";

/** Statuses with which Clerk may refuse a cursor whose user has been deleted since. */
const CURSOR_REFUSED = new Set([400, 404, 422]);

function checkedList(body: unknown): (Record<string, unknown> & { id: string })[] {
  if (!Array.isArray(body) || !body.every((user) => isObject(user) && typeof user["id"] === "string")) {
    throw new Error("Clerk's user list answered something other than a list of users");
  }
  return body as (Record<string, unknown> & { id: string })[];
}

/** A page of users, with the heartbeat's users among them named. */
function userPage(body: unknown): { items: UserRecord[]; heartbeats?: string[] } {
  const listed = checkedList(body);
  const heartbeats = listed.filter((user) => heartbeatNonce(user) !== null).map((user) => user.id);
  return { items: listed.map((user) => normalizeUser(user)), ...(heartbeats.length ? { heartbeats } : {}) };
}

/** The users created at or after `createdAt`, oldest first: one request. `created_at_after` is exclusive. */
async function usersCreatedSince(api: ClerkApi, createdAt: number, limit: number) {
  return api.get("/users", { limit, order_by: "+created_at", created_at_after: createdAt - 1 });
}

/**
 * The page of users after `after`, oldest first, by Clerk's cursor: one request, whose cost
 * does not grow with the position, and which no deletion can shift. If Clerk refuses the
 * cursor (its user was deleted since), the page restarts at the cursor's `created_at`
 * instead (a second request).
 */
async function usersAfter(api: ClerkApi, after: { id: string; createdAt: number } | null, limit: number) {
  const query = { limit, order_by: "+created_at" };
  if (!after) return api.get("/users", query);
  try {
    return await api.get("/users", { ...query, starting_after: after.id });
  } catch (error) {
    if (!isClerkAPIResponseError(error) || !CURSOR_REFUSED.has(error.status)) throw error;
    return usersCreatedSince(api, after.createdAt, limit);
  }
}

/**
 * Users. A full pass reads Clerk's cursor (or, to read again from a safe point, from a
 * `created_at`); an incremental pass reads the most recently updated first, by offset (Clerk's
 * cursor needs the `created_at` order), which stays small: it stops at its watermark.
 */
export const users: ClientSource<UserRecord> = {
  list: async (api, position, limit) => {
    if (position.type === "cursor") return userPage(await usersAfter(api, position.after, limit));
    if (position.type === "createdSince") return userPage(await usersCreatedSince(api, position.createdAt, limit));
    const query = { limit, offset: position.offset, order_by: "-updated_at" };
    return userPage(await api.get("/users", query));
  },
  count: (api) => api.call((client) => client.users.getCount()),
  gone: (api, candidates) =>
    goneOneByOne(api, candidates, async (api, id) => (await api.call((client) => fetchUser(client, id))) === null),
};
