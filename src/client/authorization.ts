import type { Auth, UserIdentity } from "convex/server";
import { ConvexError } from "convex/values";
// Clerk's own decoding of session token claims and its `has()` rules. Both modules are
// self-contained (about 4 KB bundled, no Backend API client), so every host bundle can
// afford them.
import { createCheckAuthorization } from "@clerk/shared/authorization";
// An experimental export, so @clerk/shared is pinned to an exact version (package.json), and
// tests/has.test.ts checks golden claims against what this decodes.
import { __experimental_JWTPayloadToAuthObjectProperties as toAuthObject } from "@clerk/shared/jwtPayloadParser";
import { clerkIdentity } from "./authConfig.js";
import type { BillingPayer, ClerkSync, ClerkSyncErrorCode, RunQueryCtx } from "./clerkSync.js";
import type { SyncedMembership } from "./synced.js";

/**
 * What `ClerkSync.has` answers: a role or a permission in an organization, or a plan or
 * a feature of the signed-in user or of an organization. A plan or feature key may be
 * scoped as Clerk's `has()` takes it: `u:`/`user:` for the user's, `o:`/`org:`/
 * `organization:` for the organization's; unscoped, either counts.
 */
export type HasCheck = { role: string } | { permission: string } | { plan: string } | { feature: string };

/** Options of `has`. */
export type HasOptions = {
  /**
   * The organization a role, permission, or organization plan or feature is checked in.
   * Default: the session's active organization (the token's `o.id`).
   */
  orgId?: string;
  /** `"synced"`: synced data answers even where the token could, to see a change just made. Default `"token"`. */
  prefer?: "token" | "synced";
};

/** What `requireOrgRole` asks for: a role key, or a permission. */
export type OrgRequirement = string | { permission: string };

type RunQueryAuthCtx = RunQueryCtx & { auth: Auth };

/** `ClerkSync.requireOrgRole`: see there. */
export async function requireOrgMembership(
  clerk: ClerkSync,
  ctx: RunQueryAuthCtx,
  orgId: string,
  requirement?: OrgRequirement,
): Promise<SyncedMembership> {
  const identity = await clerkIdentity(ctx, clerk.options.issuer);
  if (!identity) {
    throw new ConvexError({ code: "UNAUTHENTICATED" satisfies ClerkSyncErrorCode, message: "Not signed in" });
  }
  const membership = await clerk.getMembership(ctx, { orgId, clerkId: identity.subject });
  const allowed =
    membership !== null &&
    (requirement === undefined ||
      (typeof requirement === "string"
        ? roleMatches(membership.role, requirement)
        : permissionGranted(membership.permissions, requirement.permission)));
  if (!allowed) {
    const wanted = typeof requirement === "string" ? `role ${requirement}` : `permission ${requirement?.permission}`;
    throw new ConvexError({
      code: "FORBIDDEN" satisfies ClerkSyncErrorCode,
      message: membership ? `Requires ${wanted} in this organization` : "Not a member of this organization",
    });
  }
  return membership;
}

/** `ClerkSync.has`: see there. */
export async function hasAuthorization(
  clerk: ClerkSync,
  ctx: RunQueryAuthCtx,
  check: HasCheck,
  options: HasOptions,
): Promise<boolean> {
  const identity = await clerkIdentity(ctx, clerk.options.issuer);
  if (!identity) return false;
  const token = sessionAuthorization(identity);
  const orgId = options.orgId ?? token.orgId;
  const membership = () =>
    orgId === null ? Promise.resolve(null) : clerk.getMembership(ctx, { orgId, clerkId: identity.subject });

  if ("role" in check || "permission" in check) {
    if (orgId === null) return false;
    const fromToken = options.prefer !== "synced" && orgId === token.orgId;
    if ("role" in check) {
      if (fromToken && token.orgRole !== null) return roleMatches(token.orgRole, check.role);
      const member = await membership();
      return member !== null && roleMatches(member.role, check.role);
    }
    if (fromToken && token.orgPermissions !== null && !isSystemPermission(check.permission)) {
      return token.check({ permission: check.permission });
    }
    const member = await membership();
    return member !== null && permissionGranted(member.permissions, check.permission);
  }

  const isPlan = "plan" in check;
  const scope = billingScope(isPlan ? check.plan : check.feature);
  if (!scope) return false;
  const inToken = options.prefer !== "synced" && (isPlan ? token.hasPlansClaim : token.hasFeaturesClaim);
  const fromToken = (prefix: "u" | "o") =>
    token.check(isPlan ? { plan: `${prefix}:${scope.key}` } : { feature: `${prefix}:${scope.key}` });
  const fromSynced = async (payer: BillingPayer) => {
    const billing = await clerk.getSubscription(ctx, payer);
    return (isPlan ? billing?.plans : billing?.features)?.includes(scope.key) ?? false;
  };
  if (scope.user && (inToken ? fromToken("u") : await fromSynced({ userId: identity.subject }))) return true;
  if (!scope.organization || orgId === null) return false;
  if (inToken && orgId === token.orgId) return fromToken("o");
  return (await membership()) !== null && (await fromSynced({ orgId }));
}

/** What the session token says about authorization, decoded as Clerk's SDK decodes it. */
export type SessionAuthorization = {
  /** The active organization, if the token carries one. */
  orgId: string | null;
  /** `org:<role>`, or null when the token carries none. */
  orgRole: string | null;
  /** The active organization's permissions, or null when the token does not list them. */
  orgPermissions: string[] | null;
  /** Whether the token carries Clerk Billing's `pla` (plans) and `fea` (features) claims. */
  hasPlansClaim: boolean;
  hasFeaturesClaim: boolean;
  /** Clerk's own check (`@clerk/shared/authorization`) over these claims. */
  check: (params: { permission: string } | { plan: string } | { feature: string }) => boolean;
};

type JwtClaims = Parameters<typeof toAuthObject>[0];

/**
 * The session token's claims from a Convex identity. Convex passes custom claims through:
 * with an OIDC provider (Clerk's `domain` in auth.config.ts) an object claim arrives as is
 * (`identity.o`), with a custom JWT provider it is flattened into `"o.id"`, `"o.rol"`…
 * Both are read. `sub` is Convex's `subject`.
 */
export function claimsFromIdentity(identity: UserIdentity): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...identity, sub: identity.subject };
  if (!isObject(identity["o"])) {
    const flattened = Object.entries(identity).filter(([key]) => key.startsWith("o."));
    if (flattened.length > 0) claims["o"] = Object.fromEntries(flattened.map(([key, value]) => [key.slice(2), value]));
  }
  return claims;
}

/**
 * Decode the authorization claims of a Clerk session token (v2: `o`, `fea`, `pla`; v1:
 * `org_id`, `org_role`, `org_permissions`) with Clerk's own parser. Never throws: claims
 * Clerk's parser rejects (a malformed `fea`) count as absent, and checks fall back to
 * synced data.
 */
export function sessionAuthorization(identity: UserIdentity): SessionAuthorization {
  const claims = claimsFromIdentity(identity);
  const plans = typeof claims["pla"] === "string" ? claims["pla"] : null;
  const features = typeof claims["fea"] === "string" ? claims["fea"] : null;
  let auth: ReturnType<typeof toAuthObject>;
  try {
    auth = toAuthObject(claims as JwtClaims);
  } catch {
    return { ...NO_CLAIMS, hasPlansClaim: false, hasFeaturesClaim: false };
  }
  const orgId = typeof auth.orgId === "string" && auth.orgId !== "" ? auth.orgId : null;
  const orgPermissions = Array.isArray(auth.orgPermissions) ? auth.orgPermissions : null;
  const check = createCheckAuthorization({
    userId: identity.subject,
    orgId,
    orgRole: auth.orgRole ?? null,
    orgPermissions,
    factorVerificationAge: null,
    features,
    plans,
  });
  return {
    orgId,
    orgRole: typeof auth.orgRole === "string" && auth.orgRole !== "" ? auth.orgRole : null,
    orgPermissions,
    hasPlansClaim: plans !== null,
    hasFeaturesClaim: features !== null,
    check: (params) => {
      try {
        return check(params);
      } catch {
        return false;
      }
    },
  };
}

const NO_CLAIMS = { orgId: null, orgRole: null, orgPermissions: null, check: () => false };

/** Clerk's keys carry `org:`; `has()` adds it when missing, as Clerk's does. */
export function withOrgPrefix(key: string): string {
  return key.replace(/^(org:)*/, "org:");
}

/** The legacy member key of instances created before custom roles (`admin` needs only the prefix). */
const EQUIVALENT_ROLES: Record<string, string> = {
  "org:basic_member": "org:member",
  "org:member": "org:basic_member",
};

/**
 * Whether a membership's role is the one asked for, `org:` prefix optional; the legacy
 * keys `admin` and `basic_member` count as `org:admin` and `org:member`.
 */
export function roleMatches(actual: string, wanted: string): boolean {
  if (actual === "" || wanted === "") return false;
  const have = withOrgPrefix(actual);
  const want = withOrgPrefix(wanted);
  return have === want || EQUIVALENT_ROLES[have] === want;
}

/** Whether a permission list grants the permission asked for, `org:` prefix optional. */
export function permissionGranted(permissions: string[], wanted: string): boolean {
  return wanted !== "" && permissions.includes(withOrgPrefix(wanted));
}

/**
 * Clerk leaves system permissions (`org:sys_…`) out of session tokens: they are answered
 * from synced data.
 */
export function isSystemPermission(permission: string): boolean {
  return withOrgPrefix(permission).startsWith("org:sys_");
}

/** Which payers a plan or feature key is about, as Clerk's `has()` reads its scope. */
export type BillingScope = { user: boolean; organization: boolean; key: string };

const ORG_SCOPES = new Set(["o", "org", "organization"]);
const USER_SCOPES = new Set(["u", "user"]);

/** The scope and key of `has({ plan })`/`has({ feature })`; null for an unknown scope (Clerk denies it). */
export function billingScope(value: string): BillingScope | null {
  const [first, second] = value.split(":");
  if (first === undefined || second === undefined) return first ? { user: true, organization: true, key: first } : null;
  if (!second) return null;
  if (ORG_SCOPES.has(first)) return { user: false, organization: true, key: second };
  if (USER_SCOPES.has(first)) return { user: true, organization: false, key: second };
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
