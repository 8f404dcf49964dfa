import { afterEach, describe, expect, test, vi } from "vitest";
import { clerkAuthProvider } from "convex-clerk-sync";

const ISSUER = "https://verb-noun-00.clerk.accounts.dev";
const OLD_ISSUER = "https://old-issuer-11.clerk.accounts.dev";

/**
 * Run `fn` with the deployment's variables as Convex has them while it evaluates
 * `auth.config.ts`: reading a variable that is not set throws.
 */
function withConvexEnv<T>(variables: Record<string, string>, fn: () => T): T {
  const env = new Proxy(
    {},
    {
      get: (_target, name) => {
        if (typeof name === "string" && Object.hasOwn(variables, name)) return variables[name];
        throw new Error(`Environment variable ${String(name)} is used in auth config file but its value was not set`);
      },
    },
  );
  const original = process.env;
  process.env = env as NodeJS.ProcessEnv;
  try {
    return fn();
  } finally {
    process.env = original;
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("clerkAuthProvider", () => {
  test("reads CLERK_FRONTEND_API_URL, with Convex's audience", () => {
    const provider = withConvexEnv({ CLERK_FRONTEND_API_URL: ISSUER }, () => clerkAuthProvider());
    expect(provider).toEqual({ domain: ISSUER, applicationID: "convex" });
  });

  test("falls back to CLERK_JWT_ISSUER_DOMAIN, although reading the unset variable throws", () => {
    const provider = withConvexEnv({ CLERK_JWT_ISSUER_DOMAIN: OLD_ISSUER }, () => clerkAuthProvider());
    expect(provider).toEqual({ domain: OLD_ISSUER, applicationID: "convex" });
  });

  test("CLERK_FRONTEND_API_URL wins when both are set", () => {
    const variables = { CLERK_FRONTEND_API_URL: ISSUER, CLERK_JWT_ISSUER_DOMAIN: OLD_ISSUER };
    expect(withConvexEnv(variables, () => clerkAuthProvider()).domain).toBe(ISSUER);
  });

  test("neither set: the error names the variable and where to set it, in Convex's words", () => {
    let error: Error | undefined;
    try {
      withConvexEnv({}, () => clerkAuthProvider());
    } catch (thrown) {
      error = thrown as Error;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(
      /^Environment variable CLERK_FRONTEND_API_URL is used in auth config file but its value was not set\. /,
    );
    expect(error!.message).toContain("Convex dashboard (Settings → Environment Variables)");
    expect(error!.message).toContain("`npx convex env set CLERK_FRONTEND_API_URL https://…`");
  });

  test("an empty variable counts as not set", () => {
    vi.stubEnv("CLERK_FRONTEND_API_URL", "");
    vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", OLD_ISSUER);
    expect(clerkAuthProvider().domain).toBe(OLD_ISSUER);
  });

  test("explicit options read no variable", () => {
    const provider = withConvexEnv({}, () => clerkAuthProvider({ domain: ISSUER, applicationID: "my-app" }));
    expect(provider).toEqual({ domain: ISSUER, applicationID: "my-app" });
  });

  test("a value that is not a URL is refused, naming where it came from", () => {
    expect(() =>
      withConvexEnv({ CLERK_FRONTEND_API_URL: "verb-noun-00.clerk.accounts.dev" }, () => clerkAuthProvider()),
    ).toThrow('CLERK_FRONTEND_API_URL is not a URL: "verb-noun-00.clerk.accounts.dev". Use Clerk\'s Frontend API URL');
    expect(() => clerkAuthProvider({ domain: "" })).toThrow('clerkAuthProvider\'s `domain` is not a URL: ""');
  });

  test("the example app's auth.config.ts", async () => {
    vi.stubEnv("CLERK_FRONTEND_API_URL", ISSUER);
    vi.resetModules();
    const { default: config } = await import("../example/convex/auth.config");
    expect(config).toEqual({ providers: [{ domain: ISSUER, applicationID: "convex" }] });
  });
});
