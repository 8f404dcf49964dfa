// The Clerk provider for `convex/auth.config.ts`, as Clerk's Convex integration sets it up:
// Clerk's session token carries `aud: "convex"`, and the issuer is the Frontend API URL.
// `ClerkSync` reads the same issuer to tell Clerk's identities from other providers'.
import type { Auth, UserIdentity } from "convex/server";

export const FRONTEND_API_URL_ENV = "CLERK_FRONTEND_API_URL";
/** What `auth.config.ts` read before Clerk's Convex integration (the JWT template's issuer). */
export const LEGACY_ISSUER_ENV = "CLERK_JWT_ISSUER_DOMAIN";

export type ClerkAuthProviderOptions = {
  /**
   * Clerk's Frontend API URL, the issuer of its session tokens, e.g.
   * `https://verb-noun-00.clerk.accounts.dev` (development) or `https://clerk.<your-domain>` (production).
   * Default: `CLERK_FRONTEND_API_URL`, else `CLERK_JWT_ISSUER_DOMAIN`, from the deployment's environment.
   */
  domain?: string;
  /** The audience (`aud`) the tokens must carry. Default `"convex"`, which the Convex integration sets. */
  applicationID?: string;
};

/** One entry of `AuthConfig.providers`. */
export type ClerkAuthProvider = { domain: string; applicationID: string };

/**
 * The Clerk entry for `AuthConfig.providers`:
 * `export default { providers: [clerkAuthProvider()] } satisfies AuthConfig;`
 * Throws, naming the variable to set, when there is no Frontend API URL.
 */
export function clerkAuthProvider(options: ClerkAuthProviderOptions = {}): ClerkAuthProvider {
  let domain = options.domain;
  let source = "clerkAuthProvider's `domain`";
  if (domain === undefined) {
    for (const name of [FRONTEND_API_URL_ENV, LEGACY_ISSUER_ENV]) {
      domain = deploymentVariable(name);
      source = name;
      if (domain) break;
    }
  }
  if (!domain && options.domain === undefined) {
    // Starts as Convex's own message for a missing variable, which its CLI turns into a link to set it.
    throw new Error(
      `Environment variable ${FRONTEND_API_URL_ENV} is used in auth config file but its value was not set. ` +
        "Set it to your Clerk Frontend API URL (shown when you enable the Convex integration in the Clerk " +
        "dashboard) on the Convex deployment: in the Convex dashboard (Settings → Environment Variables) or " +
        `with \`npx convex env set ${FRONTEND_API_URL_ENV} https://…\`.`,
    );
  }
  if (!domain || !isHttpUrl(domain)) {
    throw new Error(
      `${source} is not a URL: ${JSON.stringify(domain)}. Use Clerk's Frontend API URL, ` +
        "e.g. https://verb-noun-00.clerk.accounts.dev.",
    );
  }
  return { domain, applicationID: options.applicationID ?? "convex" };
}

/**
 * Clerk's issuer, as `ClerkSync` compares identities with it: `issuer` if given, else
 * `CLERK_FRONTEND_API_URL`, else `CLERK_JWT_ISSUER_DOMAIN`, read now. Throws, naming what to
 * set, when there is none: without it any provider's token could pass for a Clerk user.
 */
export function clerkIssuer(issuer?: string): string {
  const found =
    issuer === undefined
      ? (deploymentVariable(FRONTEND_API_URL_ENV) ?? deploymentVariable(LEGACY_ISSUER_ENV))
      : issuer.trim() || undefined;
  if (found === undefined) {
    throw new Error(
      `ClerkSync does not know Clerk's issuer, so it cannot tell Clerk's session tokens from another ` +
        `provider's. Set ${FRONTEND_API_URL_ENV} (or ${LEGACY_ISSUER_ENV}) on the Convex deployment to your ` +
        "Clerk Frontend API URL, as auth.config.ts reads it, or pass `issuer` to `new ClerkSync(…)`.",
    );
  }
  return found;
}

/**
 * The signed-in identity if Clerk issued it (its `issuer` is Clerk's, a trailing slash aside);
 * null when signed out or signed in through another provider. Throws when Clerk's issuer is
 * not configured (`clerkIssuer`).
 */
export async function clerkIdentity(ctx: { auth: Auth }, issuer?: string): Promise<UserIdentity | null> {
  const expected = withoutTrailingSlash(clerkIssuer(issuer));
  const identity = await ctx.auth.getUserIdentity();
  return identity !== null && withoutTrailingSlash(identity.issuer) === expected ? identity : null;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * A deployment variable, or undefined. While Convex evaluates `auth.config.ts`, reading a variable
 * that is not set throws, which would stop the fallback to the next one.
 */
function deploymentVariable(name: string): string | undefined {
  try {
    return process.env[name] || undefined;
  } catch {
    return undefined;
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}
