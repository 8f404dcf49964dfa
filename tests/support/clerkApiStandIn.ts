// A stand-in for Clerk's Backend API on 127.0.0.1, serving what the backfill uses:
// GET /v1/users (limit, offset, order_by), /v1/users/count, /v1/users/{id},
// /v1/organizations and /v1/organization_memberships (paginated, with total_count), with
// 429 + Retry-After on demand. It records every request, including the Authorization header.
// For `convex-clerk-sync doctor`: POST /v1/webhooks/svix_url (or Clerk's 400 svix_app_missing),
// Clerk's 401 clerk_key_invalid for any key but `secretKey` when one is given, and, as the
// instance's Frontend API would, GET /.well-known/openid-configuration naming `url` as issuer.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { clerkMembership, clerkOrganization, clerkUser, type UserOverrides } from "../../src/events/payloads.js";

type StoredUser = Record<string, unknown> & { id: string; created_at: number };
type StoredObject = Record<string, unknown> & { id: string; created_at: number };

export type ClerkApiStandIn = {
  url: string;
  users: Map<string, StoredUser>;
  requests: { method: string; path: string; authorization: string | undefined }[];
  /** Answer the next `n` requests with 429 and `Retry-After: seconds`. */
  rateLimitNext(n: number, seconds: number): void;
  /** Fail the next `n` requests by closing the connection (a crash mid-request). */
  dropNext(n: number): void;
  addUsers(count: number, overrides?: (i: number) => UserOverrides): StoredUser[];
  organizations: Map<string, StoredObject>;
  memberships: Map<string, StoredObject>;
  addOrganization(overrides?: Record<string, unknown> & { id?: string }): StoredObject;
  /** A membership of `userId` in `orgId` (which must have been added), with its role. */
  addMembership(orgId: string, userId: string, role?: string): StoredObject;
  /** Answer `POST /v1/webhooks/svix_url` with 400 `svix_app_missing`, as for an instance without webhooks. */
  setSvixAppMissing(missing: boolean): void;
  close(): Promise<void>;
};

export type ClerkApiStandInOptions = {
  /** When set, a Backend API request without `Authorization: Bearer <secretKey>` gets 401 `clerk_key_invalid`. */
  secretKey?: string;
};

export async function startClerkApiStandIn(options: ClerkApiStandInOptions = {}): Promise<ClerkApiStandIn> {
  const users = new Map<string, StoredUser>();
  const organizations = new Map<string, StoredObject>();
  const memberships = new Map<string, StoredObject>();
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

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push({ method: req.method ?? "", path: url.pathname + url.search, authorization: req.headers.authorization });
    if (drops > 0) {
      drops--;
      req.socket.destroy();
      return;
    }
    if (rateLimited.remaining > 0) {
      rateLimited.remaining--;
      return json(res, 429, { errors: [{ code: "too_many_requests", message: "Too many requests" }] }, {
        "Retry-After": String(rateLimited.seconds),
      });
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
    if (req.method !== "GET") return json(res, 405, { errors: [{ code: "method_not_allowed", message: "GET only" }] });

    if (url.pathname === "/v1/users/count") {
      return json(res, 200, { object: "total_count", total_count: users.size });
    }
    const page = (all: Iterable<StoredObject>) => {
      const limit = Math.min(Number(url.searchParams.get("limit") ?? 10), 500);
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const orderBy = url.searchParams.get("order_by") ?? "-created_at";
      const sorted = [...all].sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id));
      if (orderBy.startsWith("-")) sorted.reverse();
      return sorted.slice(offset, offset + limit);
    };
    // The user list is a bare array; the organization lists are { data, total_count }.
    if (url.pathname === "/v1/users") return json(res, 200, page(users.values()));
    if (url.pathname === "/v1/organizations") {
      return json(res, 200, { data: page(organizations.values()), total_count: organizations.size });
    }
    if (url.pathname === "/v1/organization_memberships") {
      return json(res, 200, { data: page(memberships.values()), total_count: memberships.size });
    }
    const match = /^\/v1\/users\/([^/]+)$/.exec(url.pathname);
    if (match) {
      const user = users.get(decodeURIComponent(match[1]));
      if (!user) return json(res, 404, { errors: [{ code: "resource_not_found", message: "not found" }] });
      return json(res, 200, user);
    }
    json(res, 404, { errors: [{ code: "resource_not_found", message: "no such route" }] });
  });
  // Steps can be seconds apart under convex-test; an idle keep-alive connection closed by
  // the default 5 s timeout would fail the next request and add a retry to the counts.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    users,
    organizations,
    memberships,
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
    addOrganization(overrides = {}) {
      const createdAt = nextCreatedAt++;
      const org = clerkOrganization({ created_at: createdAt, updated_at: createdAt, ...overrides }) as StoredObject;
      organizations.set(org.id, org);
      return org;
    },
    addMembership(orgId, userId, role = "org:member") {
      const createdAt = nextCreatedAt++;
      const membership = clerkMembership({ orgId, userId, role, created_at: createdAt, updated_at: createdAt }) as StoredObject;
      membership.organization = organizations.get(orgId);
      memberships.set(membership.id, membership);
      return membership;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
