// A stand-in for Clerk's Backend API on 127.0.0.1, serving what the backfill uses:
// GET /v1/users (limit, offset, order_by by created_at or updated_at, the starting_after
// cursor, created_at_after/before), /v1/users/count, /v1/users/{id}, /v1/organizations
// and /v1/organization_memberships (paginated by offset, with total_count),
// /v1/organizations/{id} and /v1/organizations/{id}/memberships (user_id filter), with
// GET /v1/organization_permissions and /v1/organization_roles (offset, order_by by
// created_at, Clerk's default `-created_at`; each role with its permissions) and their
// /{id}, GET /v1/billing/plans and /v1/billing/subscription_items (newest first, offset;
// free plans' items only with include_free=true), with
// 429 + Retry-After on demand. Like Clerk, an offset costs more the larger it is, and past
// `maxOffset` the request fails as Clerk's time out. It records every request, including
// the Authorization header.
// For `convex-clerk-sync doctor`: POST /v1/webhooks/svix_url (or Clerk's 400 svix_app_missing),
// Clerk's 401 clerk_key_invalid for any key but `secretKey` when one is given, and, as the
// instance's Frontend API would, GET /.well-known/openid-configuration naming `url` as issuer.
// Writes (users, organizations, memberships, invitations) and invitation lists: ./clerkApiWrites.ts.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  clerkMembership,
  clerkOrganization,
  clerkPermission,
  clerkRole,
  clerkSubscriptionItem,
  clerkUser,
  type PayerOverrides,
  type UserOverrides,
} from "../../src/events/payloads.js";
import { readBody, writeRoute } from "./clerkApiWrites.js";

type StoredUser = Record<string, unknown> & { id: string; created_at: number; updated_at: number };
type StoredObject = Record<string, unknown> & { id: string; created_at: number };
/** Clerk's plan JSON has no dates. */
type StoredPlan = Record<string, unknown> & { id: string };

export type ClerkApiStandInOptions = {
  /** Delay per 1,000 rows an `offset` skips, in ms (default 1): offsets get slower as they grow. */
  msPer1000Skipped?: number;
  /** Past this offset a list request fails with 504, as Clerk's time out (default 10,000). */
  maxOffset?: number;
  /** When set, a Backend API request without `Authorization: Bearer <secretKey>` gets 401 `clerk_key_invalid`. */
  secretKey?: string;
};

export type ClerkApiStandIn = {
  url: string;
  users: Map<string, StoredUser>;
  requests: { method: string; path: string; authorization: string | undefined }[];
  /** Answer the next `n` requests with 429 and `Retry-After: seconds`. */
  rateLimitNext(n: number, seconds: number): void;
  /** Fail the next `n` requests by closing the connection (a crash mid-request). */
  dropNext(n: number): void;
  addUsers(count: number, overrides?: (i: number) => UserOverrides): StoredUser[];
  /** Change a user as Clerk would: `updated_at` becomes now (unless given). */
  updateUser(id: string, fields?: Record<string, unknown>): StoredUser;
  organizations: Map<string, StoredObject>;
  memberships: Map<string, StoredObject>;
  /** Organization invitations, made through the write routes. */
  invitations: Map<string, StoredObject>;
  addOrganization(overrides?: Record<string, unknown> & { id?: string }): StoredObject;
  /** A membership of `userId` in `orgId` (which must have been added), with its role and any other fields. */
  addMembership(orgId: string, userId: string, role?: string, overrides?: Record<string, unknown>): StoredObject;
  /** Delete an organization and, as Clerk does, its memberships. */
  deleteOrganization(id: string): void;
  permissions: Map<string, StoredObject>;
  roles: Map<string, StoredObject>;
  addPermission(overrides?: Parameters<typeof clerkPermission>[0]): StoredObject;
  /** A role granting `permissions` (objects added with `addPermission`). */
  addRole(key: string, permissions: StoredObject[], overrides?: Record<string, unknown>): StoredObject;
  plans: Map<string, StoredPlan>;
  subscriptionItems: Map<string, StoredObject>;
  /** A plan with these feature slugs; `free` makes it the default (free) plan. */
  addPlan(slug: string, features: string[], free?: boolean): StoredPlan;
  /** An item of `planSlug` (added with `addPlan`) paid by a user or an organization. */
  addSubscriptionItem(planSlug: string, payer: PayerOverrides, overrides?: Record<string, unknown>): StoredObject;
  /** Answer `POST /v1/webhooks/svix_url` with 400 `svix_app_missing`, as for an instance without webhooks. */
  setSvixAppMissing(missing: boolean): void;
  close(): Promise<void>;
};

const notFound = { errors: [{ code: "resource_not_found", message: "not found" }] };
const invalid = (message: string) => ({ errors: [{ code: "form_param_value_invalid", message }] });

export async function startClerkApiStandIn(options: ClerkApiStandInOptions = {}): Promise<ClerkApiStandIn> {
  const msPer1000Skipped = options.msPer1000Skipped ?? 1;
  const maxOffset = options.maxOffset ?? 10_000;
  const users = new Map<string, StoredUser>();
  const organizations = new Map<string, StoredObject>();
  const memberships = new Map<string, StoredObject>();
  const invitations = new Map<string, StoredObject>();
  const permissions = new Map<string, StoredObject>();
  const roles = new Map<string, StoredObject>();
  const plans = new Map<string, StoredPlan>();
  const subscriptionItems = new Map<string, StoredObject>();
  const requests: ClerkApiStandIn["requests"] = [];
  let rateLimited = { remaining: 0, seconds: 0 };
  let drops = 0;
  let svixAppMissing = false;
  let nextCreatedAt = 1_700_000_000_000;

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    // @clerk/backend parses JSON only for exactly this content type.
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

  type Answer = { status: number; body: unknown };
  const ok = (body: unknown): Answer => ({ status: 200, body });

  /** Sort, filter and page a list as Clerk does. */
  async function list<T extends StoredObject>(
    all: Iterable<T>,
    params: URLSearchParams,
    cursor = false,
  ): Promise<Answer> {
    const limit = Math.min(Number(params.get("limit") ?? 10), 500);
    const offset = Number(params.get("offset") ?? 0);
    const orderBy = params.get("order_by") ?? "-created_at";
    const field = orderBy.replace(/^[+-]/, "");
    if (field !== "created_at" && field !== "updated_at") return { status: 422, body: invalid(`order_by ${orderBy}`) };
    const startingAfter = params.get("starting_after");
    if (startingAfter !== null) {
      if (!cursor) return { status: 422, body: invalid("starting_after is not supported here") };
      if (field !== "created_at") return { status: 422, body: invalid("starting_after requires the created_at order") };
      if (offset !== 0) return { status: 422, body: invalid("starting_after cannot be combined with offset") };
    }
    const after = Number(params.get("created_at_after") ?? -Infinity);
    const before = Number(params.get("created_at_before") ?? Infinity);
    const key = (item: T) => Number(item[field]);
    const sorted = [...all]
      .filter((item) => item.created_at > after && item.created_at < before)
      .sort((a, b) => key(a) - key(b) || a.id.localeCompare(b.id));
    if (orderBy.startsWith("-")) sorted.reverse();
    let start = offset;
    if (startingAfter !== null) {
      const index = sorted.findIndex((item) => item.id === startingAfter);
      // Clerk does not document a cursor whose user was deleted since: refusing it is the
      // strictest answer, so the backfill is tested against it.
      if (index < 0) return { status: 422, body: invalid("starting_after: no user with this id") };
      start = index + 1;
    }
    if (offset > maxOffset) {
      return { status: 504, body: { errors: [{ code: "timeout", message: "the request took too long" }] } };
    }
    if (offset > 0 && msPer1000Skipped > 0) await sleep((offset / 1000) * msPer1000Skipped);
    return ok(sorted.slice(start, start + limit));
  }

  async function route(method: string, url: URL, body: Record<string, unknown>): Promise<Answer> {
    const written = writeRoute(standIn, method, url, body);
    if (written) return written;
    if (method !== "GET")
      return { status: 405, body: { errors: [{ code: "method_not_allowed", message: "GET only" }] } };
    const params = url.searchParams;
    if (url.pathname === "/v1/users/count") return ok({ object: "total_count", total_count: users.size });
    // The user list is a bare array; the organization lists are { data, total_count }.
    if (url.pathname === "/v1/users") return list(users.values(), params, true);
    const withTotal = async (all: Map<string, StoredObject>, items: Iterable<StoredObject> = all.values()) => {
      const answer = await list(items, params);
      return answer.status === 200 ? ok({ data: answer.body, total_count: all.size }) : answer;
    };
    if (url.pathname === "/v1/organizations") return withTotal(organizations);
    if (url.pathname === "/v1/organization_memberships") return withTotal(memberships);
    if (url.pathname === "/v1/organization_permissions") return withTotal(permissions);
    if (url.pathname === "/v1/organization_roles") return withTotal(roles);
    if (url.pathname === "/v1/billing/plans") {
      // Newest first; plans carry no dates, so the order they were added in stands for them.
      const limit = Math.min(Number(params.get("limit") ?? 10), 500);
      const offset = Number(params.get("offset") ?? 0);
      const data = [...plans.values()].reverse().slice(offset, offset + limit);
      return ok({ data, total_count: plans.size });
    }
    if (url.pathname === "/v1/billing/subscription_items") {
      // Newest first, no order_by; the default (free) plans' items only when asked for.
      const includeFree = params.get("include_free") === "true";
      const items = [...subscriptionItems.values()].filter(
        (item) => includeFree || (item.plan as StoredObject | undefined)?.is_default !== true,
      );
      params.set("order_by", "-created_at");
      const answer = await list(items, params);
      return answer.status === 200 ? ok({ data: answer.body, total_count: items.length }) : answer;
    }
    const byId = /^\/v1\/(organization_permissions|organization_roles)\/([^/]+)$/.exec(url.pathname);
    if (byId) {
      const found = (byId[1] === "organization_roles" ? roles : permissions).get(decodeURIComponent(byId[2]));
      return found ? ok(found) : { status: 404, body: notFound };
    }
    const user = /^\/v1\/users\/([^/]+)$/.exec(url.pathname);
    if (user) {
      const found = users.get(decodeURIComponent(user[1]));
      return found ? ok(found) : { status: 404, body: notFound };
    }
    const organization = /^\/v1\/organizations\/([^/]+)(\/memberships)?$/.exec(url.pathname);
    if (organization) {
      const orgId = decodeURIComponent(organization[1]);
      const found = organizations.get(orgId);
      if (!found) return { status: 404, body: notFound };
      if (!organization[2]) return ok(found);
      const userIds = params.getAll("user_id");
      const members = [...memberships.values()].filter((m) => {
        const userId = (m.public_user_data as { user_id?: string } | undefined)?.user_id;
        return (
          (m.organization as StoredObject | undefined)?.id === orgId &&
          (userIds.length === 0 || userIds.includes(userId ?? ""))
        );
      });
      const answer = await list(members, params);
      return answer.status === 200 ? ok({ data: answer.body, total_count: members.length }) : answer;
    }
    return { status: 404, body: { errors: [{ code: "resource_not_found", message: "no such route" }] } };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push({
      method: req.method ?? "",
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
    });
    if (drops > 0) {
      drops--;
      req.socket.destroy();
      return;
    }
    if (rateLimited.remaining > 0) {
      rateLimited.remaining--;
      return json(
        res,
        429,
        { errors: [{ code: "too_many_requests", message: "Too many requests" }] },
        {
          "Retry-After": String(rateLimited.seconds),
        },
      );
    }
    if (url.pathname === "/.well-known/openid-configuration") {
      const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const jwks = `${issuer}/.well-known/jwks.json`;
      return json(res, 200, { issuer, jwks_uri: jwks, id_token_signing_alg_values_supported: ["RS256"] });
    }
    if (options.secretKey !== undefined && req.headers.authorization !== `Bearer ${options.secretKey}`) {
      const message = "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct.";
      return json(res, 401, { errors: [{ code: "clerk_key_invalid", message, long_message: message }] });
    }
    if (req.method === "POST" && url.pathname === "/v1/webhooks/svix_url") {
      if (!svixAppMissing) return json(res, 200, { svix_url: "https://app.svix.com/login#key=standin" });
      const message = "No Svix apps are associated with the current instance.";
      return json(res, 400, { errors: [{ code: "svix_app_missing", message, long_message: message }] });
    }
    readBody(req)
      .then((body) => route(req.method ?? "", url, body))
      .then(
        (answer) => json(res, answer.status, answer.body),
        (error: unknown) => json(res, 500, { errors: [{ code: "internal", message: String(error) }] }),
      );
  });
  // Steps can be seconds apart under convex-test; an idle keep-alive connection closed by
  // the default 5 s timeout would fail the next request and add a retry to the counts.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const standIn: ClerkApiStandIn = {
    url: `http://127.0.0.1:${port}`,
    users,
    organizations,
    memberships,
    invitations,
    permissions,
    roles,
    plans,
    subscriptionItems,
    requests,
    rateLimitNext: (n, seconds) => void (rateLimited = { remaining: n, seconds }),
    dropNext: (n) => void (drops = n),
    setSvixAppMissing: (missing) => void (svixAppMissing = missing),
    addUsers(count, overrides) {
      const added: StoredUser[] = [];
      for (let i = 0; i < count; i++) {
        const createdAt = nextCreatedAt++;
        const user = clerkUser({
          id: `user_${String(users.size).padStart(6, "0")}${Math.random().toString(36).slice(2, 8)}`,
          first_name: `User${users.size}`,
          created_at: createdAt,
          updated_at: createdAt,
          ...overrides?.(i),
        }) as StoredUser;
        users.set(user.id, user);
        added.push(user);
      }
      return added;
    },
    updateUser(id, fields = {}) {
      const user = users.get(id);
      if (!user) throw new Error(`no user ${id} in the stand-in`);
      const updated = { ...user, updated_at: Date.now(), ...fields } as StoredUser;
      users.set(id, updated);
      return updated;
    },
    addOrganization(overrides = {}) {
      const createdAt = nextCreatedAt++;
      const org = clerkOrganization({ created_at: createdAt, updated_at: createdAt, ...overrides }) as StoredObject;
      organizations.set(org.id, org);
      return org;
    },
    addMembership(orgId, userId, role = "org:member", overrides = {}) {
      const createdAt = nextCreatedAt++;
      const membership = clerkMembership({
        orgId,
        userId,
        role,
        created_at: createdAt,
        updated_at: createdAt,
        ...overrides,
      }) as StoredObject;
      membership.organization = organizations.get(orgId);
      memberships.set(membership.id, membership);
      return membership;
    },
    addPermission(overrides = {}) {
      const createdAt = nextCreatedAt++;
      const permission = clerkPermission({ created_at: createdAt, updated_at: createdAt, ...overrides });
      permissions.set(permission.id, permission);
      return permission;
    },
    addRole(key, granted, overrides = {}) {
      const createdAt = nextCreatedAt++;
      const role = clerkRole({
        key,
        name: key,
        created_at: createdAt,
        updated_at: createdAt,
        ...overrides,
        permissions: granted as ReturnType<typeof clerkPermission>[],
      });
      roles.set(role.id, role);
      return role;
    },
    addPlan(slug, features, free = false) {
      const plan: StoredPlan = {
        object: "commerce_plan",
        id: `cplan_${slug}`,
        name: slug,
        slug,
        is_default: free,
        has_base_fee: !free,
        features: features.map((feature) => ({
          object: "feature",
          id: `feat_${feature}`,
          name: feature,
          slug: feature,
        })),
      };
      plans.set(plan.id, plan);
      return plan;
    },
    addSubscriptionItem(planSlug, payer, overrides = {}) {
      const plan = plans.get(`cplan_${planSlug}`);
      if (!plan) throw new Error(`no plan ${planSlug} in the stand-in`);
      const createdAt = nextCreatedAt++;
      const { features: _features, ...planWithoutFeatures } = plan;
      const item = {
        ...clerkSubscriptionItem({
          plan: planSlug,
          payer,
          created_at: createdAt,
          updated_at: createdAt,
          plan_period: "month",
          ...(plan.is_default === true ? { period_end: null } : {}),
          ...overrides,
        }),
        // Without its features: the backfill reads them from the plan list.
        plan: planWithoutFeatures,
      } as StoredObject;
      subscriptionItems.set(item.id, item);
      return item;
    },
    deleteOrganization(id) {
      organizations.delete(id);
      for (const [membershipId, membership] of memberships) {
        if ((membership.organization as StoredObject | undefined)?.id === id) memberships.delete(membershipId);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return standIn;
}
