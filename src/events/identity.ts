import type { UserIdentity } from "convex/server";
import type { JSONValue } from "convex/values";

/** The session's active organization, in Clerk's terms. */
export type ActiveOrganization = {
  /** `org_…` */
  id: string;
  slug?: string;
  /** The member's role key, `org:` prefix optional: `org:admin`, `admin`. */
  role: string;
  /**
   * Custom permission keys, `org:<feature>:<action>` (e.g. `org:reports:read`). Clerk's tokens
   * list a permission under its feature, so each puts `o:<feature>` in `fea`; system
   * permissions (`org:sys_…`) are never in a token.
   */
  permissions?: string[];
};

/** What `clerkIdentity` builds a session-token identity from. */
export type ClerkIdentityOptions = {
  /** The signed-in user's Clerk id: the identity's `subject`. */
  userId: string;
  /**
   * The token's issuer, which `ClerkSync` compares with the app's Clerk issuer. Default:
   * `CLERK_FRONTEND_API_URL`, else `CLERK_JWT_ISSUER_DOMAIN`, as `clerkAuthProvider` reads them.
   */
  issuer?: string | undefined;
  /** The active organization (`o` claim); none when left out. */
  org?: ActiveOrganization | undefined;
  /** Clerk Billing plans, scoped: `u:free`, `o:pro` (the `pla` claim). */
  plans?: string[] | undefined;
  /** Features, scoped: `u:ai`, `o:export` (the `fea` claim, with the permissions' features). */
  features?: string[] | undefined;
  /** Any other claims, as Convex passes them through `getUserIdentity()`. */
  claims?: Record<string, JSONValue> | undefined;
};

const SCOPED = /^(u|o):[^:,\s]+$/;
const PERMISSION = /^org:([^:,\s]+):([^:,\s]+)$/;

/**
 * A Clerk session token (v2) as Convex hands it to functions, for convex-test's
 * `t.withIdentity(...)`: `subject`, `issuer` and `tokenIdentifier`, `v: 2`, the active
 * organization as `o` (`id`, `slg`, `rol`, `per`, `fpm`), plans as `pla` and features as `fea`,
 * encoded as Clerk encodes them, so `ClerkSync.has` answers from the token as it does in
 * production. Throws on a plan, feature or permission Clerk could not put in a token.
 */
export function clerkIdentity(options: ClerkIdentityOptions): Partial<UserIdentity> & { subject: string } {
  const issuer = options.issuer ?? (process.env["CLERK_FRONTEND_API_URL"] || process.env["CLERK_JWT_ISSUER_DOMAIN"]);
  if (!issuer) {
    throw new Error(
      "clerkIdentity: no issuer: pass { issuer } or set CLERK_FRONTEND_API_URL in the test, as the app's auth.config.ts reads it",
    );
  }
  for (const key of [...(options.plans ?? []), ...(options.features ?? [])]) {
    if (!SCOPED.test(key)) {
      throw new Error(`clerkIdentity: "${key}" is not scoped as Clerk's tokens scope it: u:<key> or o:<key>`);
    }
  }
  const identity: Record<string, JSONValue> = {
    ...options.claims,
    subject: options.userId,
    issuer,
    tokenIdentifier: `${issuer}|${options.userId}`,
    v: 2,
  };
  const permissions = (options.org?.permissions ?? []).map(parsePermission);
  // Explicit features first, then those the permissions imply, as one `fea` list.
  const features = unique([...(options.features ?? []), ...permissions.map((p) => `o:${p.feature}`)]);
  if (options.org) identity["o"] = organizationClaim(options.org, permissions, features);
  if (options.plans) identity["pla"] = options.plans.join(",");
  if (options.features !== undefined || features.length > 0) identity["fea"] = features.join(",");
  return identity as Partial<UserIdentity> & { subject: string };
}

type Permission = { feature: string; action: string };

function parsePermission(permission: string): Permission {
  const match = PERMISSION.exec(permission);
  if (!match || match[1]!.startsWith("sys_")) {
    throw new Error(
      `clerkIdentity: "${permission}" is not a custom permission of the form org:<feature>:<action>` +
        " (system permissions are never in a session token)",
    );
  }
  return { feature: match[1]!, action: match[2]! };
}

/**
 * The `o` claim. `per` lists the permissions' actions; `fpm` holds, for each organization
 * feature in `fea` order, a bit mask over `per` (bit i set: `org:<feature>:<per[i]>` granted),
 * which is how Clerk's parser reads them back.
 */
function organizationClaim(org: ActiveOrganization, permissions: Permission[], features: string[]) {
  const claim: Record<string, JSONValue> = { id: org.id, rol: org.role.replace(/^org:/, "") };
  if (org.slug !== undefined) claim["slg"] = org.slug;
  if (permissions.length === 0) return claim;
  const actions = unique(permissions.map((p) => p.action));
  const masks = features
    .filter((feature) => feature.startsWith("o:"))
    .map((feature) =>
      actions.reduce((mask, action, i) => {
        const granted = permissions.some((p) => `o:${p.feature}` === feature && p.action === action);
        return granted ? mask + 2 ** i : mask;
      }, 0),
    );
  claim["per"] = actions.join(",");
  claim["fpm"] = masks.join(",");
  return claim;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
