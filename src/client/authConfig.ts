// The Clerk provider for `convex/auth.config.ts`, as Clerk's Convex integration sets it up:
// Clerk's session token carries `aud: "convex"`, and the issuer is the Frontend API URL.

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
