// A stand-in for Clerk's Backend API on 127.0.0.1, serving what the backfill uses:
// GET /v1/users (limit, offset, order_by by created_at or updated_at, the starting_after
// cursor, created_at_after/before), /v1/users/count, /v1/users/{id}, /v1/organizations
// and /v1/organization_memberships (paginated by offset, with total_count),
// /v1/organizations/{id} and /v1/organizations/{id}/memberships (user_id filter), with
// GET /v1/organization_permissions and /v1/organization_roles (offset, order_by by
// created_at, Clerk's default `-created_at`; each role with its permissions) and their
// /{id}, GET /v1/billing/plans and /v1/billing/subscription_items (newest first, offset;
// free plans' items only with include_free=true), with
// 429 + Retry-After, short pages, a `200 []` for a stale cursor and users counted but never listed on demand. Like Clerk, an offset costs more the larger it is, and past
// `maxOffset` the request fails as Clerk's time out. It records every request, including
// the Authorization header.
// POST /v1/users creates a user (refused without an email address on demand, as an instance that
// requires one). For `convex-clerk-sync doctor`: POST /v1/webhooks/svix_url (or Clerk's 400 svix_app_missing),
// Clerk's 401 clerk_key_invalid for any key but `secretKey` when one is given, and, as the
// instance's Frontend API would, GET /.well-known/openid-configuration naming `url` as issuer.
// GET /v1/organization_invitations (offset, with total_count); writes (users, organizations,
// memberships, invitations) and GET /v1/organizations/{id}/invitations/{id}: ./clerkApiWrites.ts.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createClerkStore, type ClerkStore, type StoredObject } from "./clerkApiStore.js";
import { readBody, writeRoute } from "./clerkApiWrites.js";

export type ClerkApiStandInOptions = {
  /** Delay per 1,000 rows an `offset` skips, in ms (default 1): offsets get slower as they grow. */
  msPer1000Skipped?: number;
  /** Past this offset a list request fails with 504, as Clerk's time out (default 10,000). */
  maxOffset?: number;
  /** When set, a Backend API request without `Authorization: Bearer <secretKey>` gets 401 `clerk_key_invalid`. */
  secretKey?: string;
  /**
   * How a `starting_after` cursor whose user was deleted is answered: refused with 422 (default),
   * or `200 []` as if the list were over (Clerk documents neither).
   */
  staleCursor?: "refuse" | "empty";
};

export type ClerkApiStandIn = ClerkStore & {
  url: string;
  requests: { method: string; path: string; authorization: string | undefined }[];
  /** Answer the next `n` requests with 429 and `Retry-After: seconds`. */
  rateLimitNext(n: number, seconds: number): void;
  /** Fail the next `n` requests by closing the connection (a crash mid-request). */
  dropNext(n: number): void;
  /** Hold the next request until the returned function is called (a slow Clerk). */
  holdNext(): () => void;
  /** Answer the next `n` pages of the list at `path` (default the user list) with only their first `keep` objects. */
  shortenNext(n: number, keep: number, path?: string): void;
  /** Answer `POST /v1/webhooks/svix_url` with 400 `svix_app_missing`, as for an instance without webhooks. */
  setSvixAppMissing(missing: boolean): void;
  /** Refuse `POST /v1/users` without an email address (422 `form_data_missing`), as an instance that requires one. */
  setEmailRequired(required: boolean): void;
  close(): Promise<void>;
};

const notFound = { errors: [{ code: "resource_not_found", message: "not found" }] };
const invalid = (message: string) => ({ errors: [{ code: "form_param_value_invalid", message }] });

export async function startClerkApiStandIn(options: ClerkApiStandInOptions = {}): Promise<ClerkApiStandIn> {
  const msPer1000Skipped = options.msPer1000Skipped ?? 1;
  const maxOffset = options.maxOffset ?? 10_000;
  const store = createClerkStore();
  const { users, organizations, memberships, permissions, roles, plans, subscriptionItems } = store;
  const requests: ClerkApiStandIn["requests"] = [];
  let rateLimited = { remaining: 0, seconds: 0 };
  let drops = 0;
  let shortened = { remaining: 0, keep: 0, path: "" };
  let held: Promise<void> | null = null;
  let svixAppMissing = false;
  let emailRequired = false;

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
      if (index < 0 && options.staleCursor === "empty") return ok([]);
      if (index < 0) return { status: 422, body: invalid("starting_after: no user with this id") };
      start = index + 1;
    }
    if (offset > maxOffset) {
      return { status: 504, body: { errors: [{ code: "timeout", message: "the request took too long" }] } };
    }
    if (offset > 0 && msPer1000Skipped > 0) await sleep((offset / 1000) * msPer1000Skipped);
    return ok(sorted.slice(start, start + limit));
  }

  /** A page shortened on demand (`shortenNext`). */
  function shorten(path: string, answer: Answer): Answer {
    if (shortened.remaining === 0 || shortened.path !== path || answer.status !== 200) return answer;
    shortened.remaining--;
    const cut = (items: unknown) => (Array.isArray(items) ? items.slice(0, shortened.keep) : items);
    const body = answer.body as { data?: unknown };
    return ok(Array.isArray(answer.body) ? cut(answer.body) : { ...body, data: cut(body.data) });
  }

  /** POST /v1/users: a user with the names, email address and private metadata given. */
  function createUser(body: Record<string, unknown>): Answer {
    const emails = Array.isArray(body.email_address) ? (body.email_address as string[]) : [];
    if (emailRequired && emails.length === 0) {
      const message = "email_address must be included.";
      const error = {
        code: "form_data_missing",
        message,
        long_message: message,
        meta: { param_name: "email_address" },
      };
      return { status: 422, body: { errors: [error] } };
    }
    const now = Date.now();
    const [user] = store.addUsers(1, () => ({
      first_name: (body.first_name as string | undefined) ?? null,
      last_name: (body.last_name as string | undefined) ?? null,
      created_at: now,
      updated_at: now,
      ...(emails[0] ? { email: emails[0] } : {}),
      private_metadata: (body.private_metadata as Record<string, unknown> | undefined) ?? {},
    }));
    return ok(user);
  }

  async function route(method: string, url: URL, body: Record<string, unknown>): Promise<Answer> {
    if (method === "POST" && url.pathname === "/v1/users") return createUser(body);
    const written = writeRoute(store, method, url, body);
    if (written) return written;
    if (method !== "GET")
      return { status: 405, body: { errors: [{ code: "method_not_allowed", message: "GET only" }] } };
    const params = url.searchParams;
    if (url.pathname === "/v1/users/count") return ok({ object: "total_count", total_count: users.size });
    // The user list is a bare array; the organization lists are { data, total_count }.
    if (url.pathname === "/v1/users") {
      const listed = [...users.values()].filter((user) => !store.hidden.has(user.id));
      return shorten(url.pathname, await list(listed, params, true));
    }
    const withTotal = async (all: Map<string, StoredObject>, items: Iterable<StoredObject> = all.values()) => {
      const answer = await list(items, params);
      return answer.status === 200 ? ok({ data: answer.body, total_count: all.size }) : answer;
    };
    if (url.pathname === "/v1/organizations") return shorten(url.pathname, await withTotal(organizations));
    if (url.pathname === "/v1/organization_memberships") return withTotal(memberships);
    if (url.pathname === "/v1/organization_invitations") return withTotal(store.invitations);
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
    const waiting = held ?? Promise.resolve();
    held = null;
    void waiting.then(async () => {
      try {
        const answer = await route(req.method ?? "", url, await readBody(req));
        json(res, answer.status, answer.body);
      } catch (error) {
        json(res, 500, { errors: [{ code: "internal", message: String(error) }] });
      }
    });
  });
  // Steps can be seconds apart under convex-test; an idle keep-alive connection closed by
  // the default 5 s timeout would fail the next request and add a retry to the counts.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    ...store,
    url: `http://127.0.0.1:${port}`,
    requests,
    rateLimitNext: (n, seconds) => void (rateLimited = { remaining: n, seconds }),
    dropNext: (n) => void (drops = n),
    holdNext() {
      let release = () => {};
      held = new Promise<void>((resolve) => (release = resolve));
      return release;
    },
    shortenNext: (n, keep, path = "/v1/users") => void (shortened = { remaining: n, keep, path }),
    setSvixAppMissing: (missing) => void (svixAppMissing = missing),
    setEmailRequired: (required) => void (emailRequired = required),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
