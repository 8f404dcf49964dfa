// A stand-in for Clerk's Backend API inside a host's tests, so write-through actions
// (`clerk.updateUserMetadata`, `clerk.createInvitation`…) run under convex-test without a
// network: `fetch` to the stub's URL is answered by the routes the test declares.

/** A Backend API request the stub received. */
export type StubbedRequest = {
  method: string;
  /** The path, from `/v1/…`. */
  path: string;
  query: URLSearchParams;
  /** The JSON body, as `@clerk/backend` sent it (snake_case keys); null without one. */
  body: unknown;
  /** The values of the route's `:name` segments. */
  params: Record<string, string>;
};

/** A refusal as Clerk sends one: a status and Clerk's `errors`. Make one with `clerkApiError`. */
export type ClerkApiErrorAnswer = {
  readonly clerkApiError: true;
  status: number;
  errors: { code: string; message: string; long_message?: string; meta?: { param_name?: string } }[];
  retryAfterSeconds?: number;
};

/** What a route answers: Clerk's JSON for the object (status 200), or a `clerkApiError(…)`. */
export type StubRoute = (request: StubbedRequest) => unknown;

/** The stub `stubClerkApi` installs. */
export type ClerkApiStub = {
  /** Every request so far, in order. */
  readonly requests: StubbedRequest[];
  /**
   * Answer `"METHOD /v1/path"` (`:name` matches one segment, e.g. `"PATCH /v1/users/:id/metadata"`).
   * A request no route matches gets Clerk's 404 `resource_not_found`, naming the request.
   */
  on(route: string, answer: StubRoute): ClerkApiStub;
  /** Put `fetch`, `CLERK_API_URL` and `CLERK_SECRET_KEY` back as they were. */
  restore(): void;
};

/** The Backend API URL the stub answers. */
export const CLERK_API_STUB_URL = "https://api.clerk-stub.test";

/**
 * Clerk's error answer: `clerkApiError(422, [{ code: "form_identifier_exists", message: "…",
 * paramName: "slug" }])`, or `clerkApiError(429, [], 10)` for a rate limit with `Retry-After: 10`.
 */
export function clerkApiError(
  status: number,
  errors: { code: string; message: string; paramName?: string }[] = [],
  retryAfterSeconds?: number,
): ClerkApiErrorAnswer {
  return {
    clerkApiError: true,
    status,
    errors: errors.map(({ code, message, paramName }) => ({
      code,
      message,
      long_message: message,
      ...(paramName !== undefined ? { meta: { param_name: paramName } } : {}),
    })),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
}

/**
 * Point `@clerk/backend` at a stub (`CLERK_API_URL`, and a test `CLERK_SECRET_KEY` if none is
 * set) and answer its requests from the routes declared with `on`. For vitest (which sets
 * `NODE_ENV=test`, where `@clerk/backend` calls the global `fetch` on each request). Call
 * `restore()` after the test.
 */
export function stubClerkApi(): ClerkApiStub {
  const routes: { method: string; pattern: RegExp; names: string[]; answer: StubRoute }[] = [];
  const requests: StubbedRequest[] = [];
  const originalFetch = globalThis.fetch;
  const env = { apiUrl: process.env["CLERK_API_URL"], secretKey: process.env["CLERK_SECRET_KEY"] };

  async function answer(url: URL, init: RequestInit | undefined): Promise<Response> {
    const method = (init?.method ?? "GET").toUpperCase();
    const text = typeof init?.body === "string" ? init.body : "";
    const request = { method, path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : null };
    for (const route of [...routes].reverse()) {
      const match = route.method === method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]));
      const stubbed = { ...request, params };
      requests.push(stubbed);
      return respond(await route.answer(stubbed));
    }
    requests.push({ ...request, params: {} });
    const message = `no stubbed route for ${method} ${url.pathname}`;
    return respond(clerkApiError(404, [{ code: "resource_not_found", message }]));
  }

  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return url.origin === CLERK_API_STUB_URL ? answer(url, init) : originalFetch(input, init);
  };
  process.env["CLERK_API_URL"] = CLERK_API_STUB_URL;
  process.env["CLERK_SECRET_KEY"] = env.secretKey ?? "sk_test_clerk_api_stub";

  const stub: ClerkApiStub = {
    requests,
    on(route, answerWith) {
      const [method = "", path = ""] = route.trim().split(/\s+/);
      const names: string[] = [];
      const source = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:(\w+)/g, (_, name: string) => {
        names.push(name);
        return "([^/]+)";
      });
      routes.push({ method: method.toUpperCase(), pattern: new RegExp(`^${source}$`), names, answer: answerWith });
      return stub;
    },
    restore() {
      globalThis.fetch = originalFetch;
      restoreEnv("CLERK_API_URL", env.apiUrl);
      restoreEnv("CLERK_SECRET_KEY", env.secretKey);
    },
  };
  return stub;
}

function respond(answer: unknown): Response {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (isErrorAnswer(answer)) {
    if (answer.retryAfterSeconds !== undefined) headers["Retry-After"] = String(answer.retryAfterSeconds);
    return new Response(JSON.stringify({ errors: answer.errors }), { status: answer.status, headers });
  }
  return new Response(JSON.stringify(answer), { status: 200, headers });
}

function isErrorAnswer(answer: unknown): answer is ClerkApiErrorAnswer {
  return (
    typeof answer === "object" && answer !== null && (answer as { clerkApiError?: unknown }).clerkApiError === true
  );
}

function restoreEnv(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
