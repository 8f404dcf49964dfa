import { Webhook } from "svix";

export type Io = {
  stdout: { write(text: string): unknown; columns?: number };
  stderr: { write(text: string): unknown };
  /** Whether stdout is a terminal: only then does `--count` draw a progress bar. */
  isTTY: boolean;
};

export const SECRET_ENV = "CLERK_WEBHOOK_SECRET";
export const TIMEOUT_MS = 30_000;
/** Where `registerClerkRoutes` mounts the webhook unless told otherwise. */
export const DEFAULT_PATH = "/clerk-users-webhook";

/** How `send` and `doctor` read `--url`, for their `--help`. */
export const URL_HELP = `--url takes the deployment's HTTP Actions URL (https://<name>.convex.site): without a path
it means ${DEFAULT_PATH}; give the path if the route is mounted elsewhere.`;

/** A mistake the user can fix: reported as one line, never as a stack trace. */
export class CliError extends Error {}

export function parseUrl(
  text: string,
  flag = "--url",
  example = "https://<name>.convex.site/clerk-users-webhook",
): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new CliError(`${flag} ${JSON.stringify(text)} is not an http(s) URL, e.g. ${example}`);
  }
  return url;
}

/** `--url` as given, or with the default path when it has none: `send` and `doctor` read it alike. */
export function webhookUrl(text: string): URL {
  const url = parseUrl(text, "--url", "https://<name>.convex.site");
  if (url.pathname === "/") url.pathname = DEFAULT_PATH;
  return url;
}

/** The signing secret, checked to be `whsec_` + base64 as svix reads it. */
export function checkSecret(secret: string | undefined, fromEnv: boolean): string {
  if (!secret) throw new CliError(`no signing secret: pass --secret whsec_… or set ${SECRET_ENV}`);
  let valid = /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret);
  try {
    new Webhook(secret);
  } catch {
    valid = false;
  }
  if (!valid) {
    // The value itself is not echoed: it may be a real secret pasted into the wrong place.
    const source = fromEnv ? SECRET_ENV : "--secret";
    throw new CliError(
      `${source} is not a signing secret: expected whsec_ followed by base64, as the Clerk dashboard shows it`,
    );
  }
  return secret;
}

/** Why a request got no answer, in one line. */
export function unreachable(url: URL, error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") {
    return `no answer from ${url.host} within ${TIMEOUT_MS / 1000} s`;
  }
  // fetch hides the network error (ECONNREFUSED, ENOTFOUND, TLS...) in `cause`.
  const cause = (error as { cause?: { message?: string; code?: string } } | undefined)?.cause;
  const reason = cause?.message || cause?.code || (error instanceof Error ? error.message : String(error));
  return `cannot reach ${url.host}: ${reason}`;
}

/** Whitespace collapsed, at most 120 characters. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}

/** What an endpoint answered to a POST: status, body text, and how long it took. */
export type PostAnswer = { status: number; text: string; ms: number };

/** POST a JSON body, as Svix delivers it; throws only when the endpoint cannot be reached. */
export async function postJson(url: URL, body: string, headers: Record<string, string> = {}): Promise<PostAnswer> {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, text, ms: Math.round(performance.now() - started) };
}
