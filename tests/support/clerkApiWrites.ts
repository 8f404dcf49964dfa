// The Clerk API stand-in's write routes, as Clerk's Backend API answers them: each changes
// the stand-in's objects, moves `updated_at` forward and answers the changed object (a deleted
// user or organization answers Clerk's deleted object; a removed membership, the membership).
// PATCH /v1/users/{id}/metadata (deep merge, `null` removes a key), POST /v1/users/{id}/
// ban|unban|lock|unlock, DELETE /v1/users/{id}; POST /v1/organizations, PATCH /v1/organizations/
// {id} and /{id}/metadata, DELETE /v1/organizations/{id}; POST /v1/organizations/{id}/memberships,
// PATCH and DELETE /{id}/memberships/{user_id}; POST /v1/organizations/{id}/invitations and
// /{invitation_id}/revoke, and GET /v1/organizations/{id}/invitations/{invitation_id}.
// Refusals are Clerk's: 404 `resource_not_found`, 422 form errors naming the parameter.
import { clerkInvitation, clerkMembership, clerkOrganization } from "../../src/events/payloads.js";

type Json = Record<string, unknown>;
export type StoredObject = Json & { id: string; created_at: number };
type Answer = { status: number; body: unknown };

/** What the write routes change: the stand-in's own maps. */
export type WritableState = {
  users: Map<string, StoredObject>;
  organizations: Map<string, StoredObject>;
  memberships: Map<string, StoredObject>;
  invitations: Map<string, StoredObject>;
  /** Delete an organization and its memberships and invitations. */
  deleteOrganization(id: string): void;
};

const ok = (body: unknown): Answer => ({ status: 200, body });
const notFound: Answer = { status: 404, body: { errors: [{ code: "resource_not_found", message: "not found" }] } };
function formError(code: string, paramName: string, message: string): Answer {
  return { status: 422, body: { errors: [{ code, message, long_message: message, meta: { param_name: paramName } }] } };
}

/** Clerk's metadata merge: deep for objects, `null` removes the key. */
export function mergeMetadata(current: unknown, update: unknown): Json {
  const merged: Json = { ...(isObject(current) ? current : {}) };
  for (const [key, value] of Object.entries(isObject(update) ? update : {})) {
    if (value === null) delete merged[key];
    else merged[key] = isObject(value) && isObject(merged[key]) ? mergeMetadata(merged[key], value) : value;
  }
  return merged;
}

/** Change an object as Clerk does: the fields, and an `updated_at` later than the last one. */
function touch(map: Map<string, StoredObject>, object: StoredObject, fields: Json): StoredObject {
  const updatedAt = Math.max(Date.now(), Number(object.updated_at ?? 0) + 1);
  const changed = { ...object, ...fields, updated_at: updatedAt };
  map.set(object.id, changed);
  return changed;
}

const METADATA_FIELDS = ["public_metadata", "private_metadata", "unsafe_metadata"];

function mergedMetadata(object: StoredObject, body: Json): Json {
  const fields: Json = {};
  for (const field of METADATA_FIELDS) {
    if (body[field] !== undefined) fields[field] = mergeMetadata(object[field], body[field]);
  }
  return fields;
}

const USER_FLAGS: Record<string, Json> = {
  ban: { banned: true },
  unban: { banned: false },
  lock: { locked: true },
  unlock: { locked: false },
};

function userRoute(state: WritableState, method: string, path: string, body: Json): Answer | null {
  const match = /^\/v1\/users\/([^/]+)(?:\/(metadata|ban|unban|lock|unlock))?$/.exec(path);
  if (!match || method === "GET") return null;
  const user = state.users.get(decodeURIComponent(match[1]!));
  if (!user) return notFound;
  const action = match[2];
  if (method === "DELETE" && !action) {
    state.users.delete(user.id);
    for (const [id, m] of state.memberships) if (userIdOf(m) === user.id) state.memberships.delete(id);
    return ok({ object: "user", id: user.id, deleted: true });
  }
  if (method === "PATCH" && action === "metadata") return ok(touch(state.users, user, mergedMetadata(user, body)));
  if (method === "POST" && action && USER_FLAGS[action]) return ok(touch(state.users, user, USER_FLAGS[action]));
  return null;
}

function slugTaken(state: WritableState, slug: unknown, except?: string) {
  return [...state.organizations.values()].some((org) => org.slug === slug && org.id !== except);
}

function organizationRoute(state: WritableState, method: string, path: string, body: Json): Answer | null {
  if (path === "/v1/organizations" && method === "POST") {
    if (typeof body.name !== "string" || body.name === "")
      return formError("form_param_missing", "name", "name is missing");
    if (slugTaken(state, body.slug)) return formError("form_identifier_exists", "slug", "That slug is taken.");
    const createdAt = Date.now();
    const org = clerkOrganization({
      name: body.name,
      ...(typeof body.slug === "string" ? { slug: body.slug } : {}),
      created_by: body.created_by ?? null,
      public_metadata: mergeMetadata({}, body.public_metadata),
      private_metadata: mergeMetadata({}, body.private_metadata),
      created_at: createdAt,
      updated_at: createdAt,
    }) as StoredObject;
    state.organizations.set(org.id, org);
    return ok(org);
  }
  const match = /^\/v1\/organizations\/([^/]+)(\/metadata)?$/.exec(path);
  if (!match || method === "GET") return null;
  const org = state.organizations.get(decodeURIComponent(match[1]!));
  if (!org) return notFound;
  if (method === "DELETE" && !match[2]) {
    state.deleteOrganization(org.id);
    return ok({ object: "organization", id: org.id, slug: org.slug, deleted: true });
  }
  if (method !== "PATCH") return null;
  if (match[2]) return ok(touch(state.organizations, org, mergedMetadata(org, body)));
  if (body.slug !== undefined && slugTaken(state, body.slug, org.id)) {
    return formError("form_identifier_exists", "slug", "That slug is taken.");
  }
  const fields = Object.fromEntries(
    ["name", "slug", "max_allowed_memberships", "admin_delete_enabled"].flatMap((key) =>
      body[key] !== undefined ? [[key, body[key]]] : [],
    ),
  );
  return ok(touch(state.organizations, org, fields));
}

function userIdOf(membership: StoredObject): string | undefined {
  return (membership.public_user_data as { user_id?: string } | undefined)?.user_id;
}

function membershipOf(state: WritableState, orgId: string, userId: string) {
  return [...state.memberships.values()].find(
    (m) => (m.organization as StoredObject | undefined)?.id === orgId && userIdOf(m) === userId,
  );
}

function membershipRoute(state: WritableState, method: string, path: string, body: Json): Answer | null {
  const match = /^\/v1\/organizations\/([^/]+)\/memberships(?:\/([^/]+))?$/.exec(path);
  if (!match || method === "GET") return null;
  const org = state.organizations.get(decodeURIComponent(match[1]!));
  if (!org) return notFound;
  const role = body.role;
  if (method !== "DELETE" && (typeof role !== "string" || !role.startsWith("org:"))) {
    return formError("form_param_value_invalid", "role", `${String(role)} is not a role of this instance`);
  }
  if (method === "POST" && !match[2]) {
    const userId = String(body.user_id);
    if (!state.users.has(userId)) return notFound;
    if (membershipOf(state, org.id, userId)) {
      return formError("already_a_member_in_organization", "user_id", "The user is already a member.");
    }
    const createdAt = Date.now();
    const membership = clerkMembership({
      orgId: org.id,
      userId,
      role: String(role),
      created_at: createdAt,
      updated_at: createdAt,
    });
    const stored = { ...membership, organization: org } as StoredObject;
    state.memberships.set(stored.id, stored);
    return ok(stored);
  }
  const membership = match[2] && membershipOf(state, org.id, decodeURIComponent(match[2]));
  if (!membership) return notFound;
  if (method === "DELETE") {
    state.memberships.delete(membership.id);
    return ok(membership);
  }
  return method === "PATCH" ? ok(touch(state.memberships, membership, { role })) : null;
}

function invitationRoute(state: WritableState, method: string, url: URL, body: Json): Answer | null {
  const match = /^\/v1\/organizations\/([^/]+)\/invitations(?:\/([^/]+)(\/revoke)?)?$/.exec(url.pathname);
  if (!match) return null;
  const org = state.organizations.get(decodeURIComponent(match[1]!));
  if (!org) return notFound;
  if (match[2]) {
    const invitation = state.invitations.get(decodeURIComponent(match[2]));
    if (!invitation || invitation.organization_id !== org.id) return notFound;
    if (method === "GET" && !match[3]) return ok(invitation);
    if (method !== "POST" || !match[3]) return null;
    if (invitation.status !== "pending") {
      return formError(
        "organization_invitation_not_pending",
        "invitation_id",
        "Only pending invitations can be revoked.",
      );
    }
    return ok(touch(state.invitations, invitation, { status: "revoked" }));
  }
  if (method !== "POST") return null;
  const ofOrg = [...state.invitations.values()].filter((i) => i.organization_id === org.id);
  const email = body.email_address;
  if (typeof email !== "string" || !/^[^@\s]+@[^@\s]+$/.test(email)) {
    return formError("form_param_format_invalid", "email_address", "email_address must be a valid email address.");
  }
  if (ofOrg.some((i) => i.status === "pending" && i.email_address === email)) {
    return formError(
      "duplicate_record",
      "email_address",
      "There is already a pending invitation for this email address.",
    );
  }
  const createdAt = Date.now();
  const invitation = clerkInvitation({
    orgId: org.id,
    email_address: email,
    role: body.role,
    inviter_id: body.inviter_user_id ?? null,
    public_metadata: mergeMetadata({}, body.public_metadata),
    private_metadata: mergeMetadata({}, body.private_metadata),
    created_at: createdAt,
    updated_at: createdAt,
  }) as StoredObject;
  state.invitations.set(invitation.id, invitation);
  return ok(invitation);
}

/** Answer a write (or an invitation by id), or null when no write route matches. */
export function writeRoute(state: WritableState, method: string, url: URL, body: Json): Answer | null {
  return (
    userRoute(state, method, url.pathname, body) ??
    invitationRoute(state, method, url, body) ??
    membershipRoute(state, method, url.pathname, body) ??
    organizationRoute(state, method, url.pathname, body)
  );
}

/** A request's JSON body (`{}` when it has none). */
export function readBody(req: AsyncIterable<Buffer>): Promise<Json> {
  return (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString("utf8");
    return text ? (JSON.parse(text) as Json) : {};
  })();
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
