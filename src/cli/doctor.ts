// `convex-clerk-sync doctor`: checks a deployment's webhook set-up from the outside, one line per check.
// It writes nothing: the one signed request it sends is of an event type the endpoint acknowledges and ignores.
import { Command, Option } from "commander";
import { DOCTOR_PROBE_EVENT_TYPE } from "../client/doctorProbe.js";
import { signDelivery } from "../events/sign.js";
import { escapeControl, MAX_LOG_LINE_CHARS } from "../client/scrub.js";
import {
  boundedText,
  DEFAULT_PATH,
  givenSecrets,
  networkCause,
  parseUrl,
  postJson,
  printable,
  SECRET_ENV,
  SECRET_HELP,
  TIMEOUT_MS,
  unreachable,
  URL_HELP,
  webhookUrl,
  type Io,
} from "./common.js";

export const CLERK_SECRET_KEY_ENV = "CLERK_SECRET_KEY";
export const CLERK_API_URL_ENV = "CLERK_API_URL";
export const ISSUER_ENV = "CLERK_FRONTEND_API_URL";
/** The variable `auth.config.ts` read before Clerk's Convex integration; still honoured. */
export const LEGACY_ISSUER_ENV = "CLERK_JWT_ISSUER_DOMAIN";
/** Not a Clerk event type: the endpoint answers 200 `ignored` (with the sync health) and writes nothing. */
export const PROBE_EVENT_TYPE = DOCTOR_PROBE_EVENT_TYPE;
/** How to read the sync health without the signing secret: the example app's query around `getSyncHealth`. */
const READ_HEALTH =
  "npx convex run syncStatus:health (a query returning clerk.getSyncHealth(ctx), as in the example app)";

export type DoctorOptions = {
  url: string;
  secret?: string;
  clerkSecretKey?: string;
  clerkApiUrl?: string;
  issuer?: string;
};

type Result =
  | { status: "pass"; detail: string }
  | { status: "fail"; detail: string; fix: string }
  | { status: "skip"; detail: string };

const pass = (detail: string): Result => ({ status: "pass", detail });
const fail = (detail: string, fix: string): Result => ({ status: "fail", detail, fix });
const skip = (detail: string): Result => ({ status: "skip", detail });

const SET_SECRET = `npx convex env set ${SECRET_ENV} whsec_… (on the deployment, not in .env.local; add --prod for production)`;

export const DOCTOR_HELP_AFTER = `
Checks, one line each (✓ passed, ✗ failed with the fix, - skipped and why):
  webhook route             an unsigned POST gets convex-clerk-sync's 400, not a 404
  signing secret set        the deployment has a signing secret
  signing secret matches    with --secret: a delivery signed with it is verified, and by
                            which of the deployment's secrets ("secret 2 of 2" in a rotation;
                            its event type is ignored by the endpoint: nothing is written)
  Clerk secret key          with --clerk-secret-key: Clerk's Backend API accepts it
  Clerk webhooks            ...and webhooks are enabled on that Clerk instance
  issuer                    with --issuer: its OpenID configuration is reachable and names it
  sync health               with --secret: the deployment's verdict is ok (not degraded or silent)
${URL_HELP}
--issuer falls back to ${ISSUER_ENV}, then ${LEGACY_ISSUER_ENV}.
Exits with 1 if any check that ran failed.

Example:
  $ convex-clerk-sync doctor --url https://<name>.convex.site --secret whsec_... \\
      --clerk-secret-key sk_test_... --issuer https://<verb-noun-00>.clerk.accounts.dev
`;

/** The `doctor` command; `done` receives its exit code. */
export function doctorCommand(io: Io, done: (code: number) => void): Command {
  return new Command("doctor")
    .description("Check a deployment's webhook set-up, one line per check, each failure with its fix.")
    .requiredOption("--url <url>", "the deployment's HTTP Actions URL, e.g. https://<name>.convex.site[/path]")
    .option("--secret <whsec_…>", `${SECRET_HELP}, to check each is one of the deployment's`)
    .addOption(
      new Option("--clerk-secret-key <sk_…>", "Clerk's secret key, to check it and that webhooks are enabled").env(
        CLERK_SECRET_KEY_ENV,
      ),
    )
    .addOption(new Option("--clerk-api-url <url>", "another Clerk Backend API URL").env(CLERK_API_URL_ENV))
    .addOption(new Option("--issuer <url>", "Clerk's Frontend API URL, as auth.config.ts uses it").env(ISSUER_ENV))
    .addHelpText("after", DOCTOR_HELP_AFTER)
    .action(async (options: DoctorOptions) => {
      done(await doctor(options, io));
    });
}

/** Runs every check, prints one line each and a summary; resolves to the exit code. */
export async function doctor(options: DoctorOptions, io: Io): Promise<number> {
  // Every flag is checked before the first request.
  const url = webhookUrl(options.url);
  const secrets = givenSecrets(options.secret);
  const issuerText = options.issuer ?? process.env[LEGACY_ISSUER_ENV];
  const issuer = issuerText ? parseUrl(issuerText, "--issuer", "https://<verb-noun-00>.clerk.accounts.dev") : undefined;
  const apiUrl = options.clerkApiUrl
    ? parseUrl(options.clerkApiUrl, "--clerk-api-url", "https://api.clerk.com")
    : undefined;

  const results: Result[] = [];
  const print = (name: string, result: Result) => {
    results.push(result);
    const mark = result.status === "pass" ? "✓" : result.status === "fail" ? "✗" : "-";
    const detail = result.status === "skip" ? `skipped (${result.detail})` : result.detail;
    const fix = result.status === "fail" ? ` Fix: ${result.fix}` : "";
    // Each text an answer chose is already printable; this keeps any other on its line too.
    io.stdout.write(`${mark} ${name}: ${escapeControl(detail)}${fix}\n`);
  };

  const probe = await probeRoute(url);
  print("webhook route", probe.route);
  print("signing secret set", probe.secretSet ?? skip("needs the webhook route"));
  let health: unknown;
  const noSecret = `pass --secret whsec_… or set ${SECRET_ENV}`;
  let unread = secrets === undefined ? noSecret : "needs a verified signed delivery";
  if (secrets === undefined) print("signing secret matches", skip(noSecret));
  else if (!probe.secretSet) print("signing secret matches", skip("needs the webhook route"));
  else if (probe.secretSet.status !== "pass")
    print("signing secret matches", skip("needs a signing secret on the deployment"));
  else {
    for (const [index, secret] of secrets.entries()) {
      const signed = await checkSignedDelivery(url, secret);
      const which = secrets.length > 1 ? `secret ${index + 1} of ${secrets.length} given: ` : "";
      print("signing secret matches", { ...signed.result, detail: `${which}${signed.result.detail}` });
      health ??= signed.health;
    }
    unread = "the deployment's answer did not carry it";
  }

  if (options.clerkSecretKey === undefined) {
    const enable = `pass --clerk-secret-key sk_… or set ${CLERK_SECRET_KEY_ENV}`;
    print("Clerk secret key", skip(enable));
    print("Clerk webhooks", skip(enable));
  } else {
    const clerk = await checkClerk(options.clerkSecretKey, apiUrl, url);
    print("Clerk secret key", clerk.key);
    print("Clerk webhooks", clerk.webhooks ?? skip("needs a working Clerk secret key"));
  }

  print("issuer", issuer ? await checkIssuer(issuer) : skip(`pass --issuer https://… or set ${ISSUER_ENV}`));
  print("sync health", checkHealth(health, unread));

  const failed = results.filter((r) => r.status === "fail").length;
  const ran = results.filter((r) => r.status !== "skip").length;
  const skipped = results.length - ran;
  const tally = failed ? `${failed} of ${ran} checks failed` : `all ${ran} checks passed`;
  io.stdout.write(`${tally}${skipped ? `, ${skipped} skipped` : ""}\n`);
  return failed ? 1 : 0;
}

type Answer = {
  status: number;
  /** What to print of the answer: its error, or the start of its body. */
  note: string;
  error: string | undefined;
  outcome: string | undefined;
  health: unknown;
  /** Which of the deployment's secrets verified `doctor`'s delivery. */
  signingSecret: unknown;
};

async function post(
  url: URL,
  body: string,
  headers: Record<string, string> = {},
  known: readonly string[] = [],
): Promise<Answer | string> {
  try {
    const { status, text } = await postJson(url, body, headers);
    const json = parseJson(text) as Partial<Record<"error" | "outcome" | "health" | "signingSecret", unknown>> | null;
    const str = (value: unknown) => (typeof value === "string" ? value : undefined);
    const { health, signingSecret } = json ?? {};
    const error = str(json?.error);
    const note = error !== undefined ? printable(error, { known }) : printable(text, { known, flatten: true });
    return { status, note, error, outcome: str(json?.outcome), health, signingSecret };
  } catch (error) {
    return unreachable(url, error);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // not JSON: not this package's answer
    return null;
  }
}

/** `400 (missing svix-id…)`: the status and the endpoint's error, or the start of its body. */
function describe(answer: Answer): string {
  return answer.note ? `${answer.status} (${answer.note})` : String(answer.status);
}

/**
 * An unsigned POST. The package checks its signing secret before the headers, so the answer
 * tells both whether the route is this package's and whether the deployment has a secret.
 */
async function probeRoute(url: URL): Promise<{ route: Result; secretSet?: Result }> {
  const answer = await post(url, "{}");
  // The client URL (.convex.cloud) is the usual mix-up: HTTP actions are served on .convex.site.
  const siteHint = url.hostname.endsWith(".convex.cloud")
    ? `; ${url.host} is the deployment's client URL, HTTP actions are on ${url.host.replace(/cloud$/, "site")}`
    : "";
  const mountFix =
    "mount the endpoint with registerClerkRoutes(http, …) in convex/http.ts and deploy, and check that --url is " +
    `the deployment's HTTP Actions URL (https://<name>.convex.site) with the route's path${siteHint}`;
  if (typeof answer === "string") {
    return {
      route: fail(`${answer}.`, `check --url: it should be https://<name>.convex.site${DEFAULT_PATH}${siteHint}`),
    };
  }
  const mounted = pass(`POST ${url.href} is served by convex-clerk-sync`);
  if (answer.status === 400 && answer.error?.startsWith("missing svix-id")) {
    return { route: mounted, secretSet: pass("the deployment has a signing secret") };
  }
  if (answer.status === 500 && answer.error?.includes("signing secret is not configured")) {
    return { route: mounted, secretSet: fail(`the deployment has none: it answered ${describe(answer)}.`, SET_SECRET) };
  }
  if (answer.status === 500 && answer.error?.includes("signing secret is malformed")) {
    const fix = `set it to the endpoint's Signing Secret exactly as Clerk shows it: ${SET_SECRET}`;
    return {
      route: mounted,
      secretSet: fail(`the deployment's signing secret is not whsec_ + base64: it answered ${describe(answer)}.`, fix),
    };
  }
  if (answer.status === 404) return { route: fail(`POST ${url.href} answered ${describe(answer)}.`, mountFix) };
  return {
    route: fail(`POST ${url.href} answered ${describe(answer)}, which is not convex-clerk-sync's answer.`, mountFix),
  };
}

/**
 * A delivery signed with `secret`, of an event type the endpoint acknowledges and ignores; the
 * endpoint answers it with the sync health.
 */
async function checkSignedDelivery(url: URL, secret: string): Promise<{ result: Result; health?: unknown }> {
  const payload = { type: PROBE_EVENT_TYPE, object: "event", data: {}, timestamp: Date.now() };
  const { body, headers } = signDelivery(payload, secret);
  const answer = await post(url, body, headers, [secret]);
  if (typeof answer === "string") return { result: fail(answer, "run the check again") };
  if (answer.status === 200 && answer.outcome === "ignored") {
    return { result: pass(verifiedBy(answer.signingSecret)), health: answer.health };
  }
  return { result: signedDeliveryFailure(answer) };
}

/** "…verified by secret 2 of 2 on the deployment…": which one, never a secret. */
function verifiedBy(signingSecret: unknown): string {
  const { matched, of } = (signingSecret ?? {}) as { matched?: unknown; of?: unknown };
  const ignored = "(and ignored: nothing was written)";
  // A deployment on an earlier version does not say which.
  if (typeof matched !== "number" || typeof of !== "number") return `a delivery signed with it was verified ${ignored}`;
  const rotation =
    of > 1
      ? `; ${of} secrets are set, as while a rotation's endpoints both exist: once the old endpoint is deleted ` +
        "in Clerk, remove its secret"
      : "";
  return `a delivery signed with it was verified by secret ${matched} of ${of} on the deployment ${ignored}${rotation}`;
}

function signedDeliveryFailure(answer: Answer): Result {
  if (answer.status === 401 && /timestamp too (old|new)/.test(answer.error ?? "")) {
    return fail(`the deployment rejected the delivery's time: ${describe(answer)}.`, "set this machine's clock right");
  }
  if (answer.status === 401) {
    return fail(
      `no signing secret on the deployment is this one: it answered ${describe(answer)}.`,
      "copy the Signing Secret of this endpoint in the Clerk dashboard (Webhooks → the endpoint), then " +
        `check it with --secret and set it with npx convex env set ${SECRET_ENV} whsec_…`,
    );
  }
  return fail(`a signed delivery was answered ${describe(answer)}, not 200 ignored.`, "see the deployment's logs");
}

/**
 * Clerk's `POST /webhooks/svix_url` (the Svix dashboard link) needs a working secret key, and
 * answers 400 `svix_app_missing` when webhooks were never enabled on the instance.
 */
async function checkClerk(
  secretKey: string,
  apiUrl: URL | undefined,
  url: URL,
): Promise<{ key: Result; webhooks?: Result }> {
  const keyFix =
    "copy the Secret key from the Clerk dashboard (Configure → API keys) of the instance that sends the webhooks";
  // The value itself is not echoed: it is a secret.
  if (!/^sk_(test|live)_/.test(secretKey)) {
    return { key: fail("it is not a Clerk secret key (sk_test_… or sk_live_…).", keyFix) };
  }
  // Such a key cannot be sent in a header, and no Clerk key has one.
  if (!/^sk_(test|live)_[!-~]+$/.test(secretKey)) {
    return {
      key: fail("it holds a space, a line break or a character outside ASCII, which no Clerk secret key has.", keyFix),
    };
  }
  // Loaded on demand: only this check needs Clerk's client.
  const { createClerkClient } = await import("@clerk/backend");
  const { isClerkAPIResponseError } = await import("@clerk/backend/errors");
  const client = createClerkClient({ secretKey, ...(apiUrl ? { apiUrl: apiUrl.href.replace(/\/$/, "") } : {}) });
  const host = apiUrl?.host ?? "api.clerk.com";
  try {
    // The answer is a sign-in link to the Svix dashboard: not printed.
    await client.webhooks.generateSvixAuthURL();
    return { key: pass(`${host} accepted it`), webhooks: pass("webhooks are enabled on the instance") };
  } catch (error) {
    // Anything Clerk's answer chose is printed scrubbed of the key, even where it quotes it.
    const quote = (text: string) => printable(text, { known: [secretKey] });
    if (!isClerkAPIResponseError(error)) {
      return { key: fail(`${host} could not be asked: ${quote(String(error))}.`, "run the check again") };
    }
    const first = error.errors[0];
    const reason = first ? ` ${quote(`${first.code}: ${first.longMessage ?? first.message}`)}` : "";
    const said = `${error.status ?? "no answer"}${reason}`;
    if (error.status === undefined) {
      const reported = quote(first?.message ?? error.message);
      const cause = await networkCause(apiUrl ?? new URL("https://api.clerk.com"), reported);
      return { key: fail(`${cause}.`, "check the network, or --clerk-api-url") };
    }
    if (error.status === 401 || error.status === 403) {
      return { key: fail(`${host} rejected it (${said}).`, keyFix) };
    }
    if (first?.code === "svix_app_missing") {
      return {
        key: pass(`${host} accepted it`),
        webhooks: fail(
          `webhooks were never enabled on this Clerk instance (${said}).`,
          `in the Clerk dashboard open Webhooks, then Add Endpoint with the URL ${url.href}`,
        ),
      };
    }
    return { key: fail(`${host} answered ${said}.`, "see Clerk's status page, or run the check again") };
  }
}

type Health = { verdict: string; reasons: { rule: string; message: string }[]; lastDeliveryAt: number | null };

/** The deployment's verdict, as the signed delivery's answer carried it; `unread` says why there is none. */
function checkHealth(health: unknown, unread: string): Result {
  if (!isHealth(health)) return skip(`${unread}; or read it with ${READ_HEALTH}`);
  if (health.verdict === "ok") {
    const last = health.lastDeliveryAt;
    const when =
      last === null ? "none on record" : `${new Date(last).toISOString().slice(0, 16).replace("T", " ")} UTC`;
    return pass(`ok: nothing missed that the rules can see (last delivery applied: ${when})`);
  }
  const rules = new Set(health.reasons.map(({ rule }) => rule));
  const fixes = [
    rules.has("signingSecret") ? SET_SECRET : "",
    rules.has("failedDeliveries")
      ? "see the deployment's logs for the failed deliveries (getSyncStatus lists them)"
      : "",
    rules.has("signUpFallbacks") || rules.has("backfillRepairs")
      ? "check that the route is mounted, that Clerk's endpoint points at it and sends user, organization and role " +
        "events, then run a full backfill pass"
      : "",
  ];
  // An answer that is not the package's could list reasons without end: they are cut as one text.
  const messages = health.reasons.slice(0, MAX_LOG_LINE_CHARS).map(({ message }) => String(message));
  const reasons = printable(messages.join("; "), { max: MAX_LOG_LINE_CHARS });
  return fail(`${printable(health.verdict)}: ${reasons}.`, fixes.filter(Boolean).join("; "));
}

function isHealth(value: unknown): value is Health {
  const health = value as Health | null | undefined;
  return typeof health?.verdict === "string" && Array.isArray(health.reasons) && "lastDeliveryAt" in health;
}

/** What Convex does with the issuer: fetch its OpenID configuration, which must name it. */
async function checkIssuer(issuer: URL): Promise<Result> {
  const wanted = issuer.href.replace(/\/+$/, "");
  const configUrl = new URL(`${wanted}/.well-known/openid-configuration`);
  const fix =
    `set ${ISSUER_ENV} on the deployment to the Frontend API URL that Clerk's Convex integration shows ` +
    "(https://<verb-noun-00>.clerk.accounts.dev, or https://clerk.<your-domain> in production)";
  let response: Response;
  try {
    response = await fetch(configUrl, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    return fail(`${unreachable(configUrl, error)}.`, fix);
  }
  const text = await boundedText(response);
  if (!response.ok) return fail(`${configUrl.href} answered ${response.status}.`, fix);
  const named = (parseJson(text) as { issuer?: unknown } | null)?.issuer;
  if (typeof named !== "string") return fail(`${configUrl.href} is not an OpenID configuration.`, fix);
  if (named.replace(/\/+$/, "") !== wanted) {
    const issuerNamed = printable(named);
    return fail(
      `${configUrl.href} names the issuer ${issuerNamed}, not ${wanted}.`,
      `use ${issuerNamed} exactly: ${fix}`,
    );
  }
  return pass(`${wanted} serves its OpenID configuration`);
}
