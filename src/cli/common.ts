import { Webhook } from "svix";
import { clip, escapeControl, scrubSecrets } from "../client/scrub.js";
import { listedSecrets, secretLabel, WEBHOOK_SECRET_ENVS } from "../client/signingSecrets.js";

export type Io = {
  stdout: { write(text: string): unknown; columns?: number };
  stderr: { write(text: string): unknown };
  /** Whether stdout is a terminal: only then does `--count` draw a progress bar. */
  isTTY: boolean;
};

/** The variable to set, and the one the CLI's messages name: Clerk's own name. */
export const SECRET_ENV = WEBHOOK_SECRET_ENVS[0];
/** `--secret`'s help: where it is read when not given, and that it may list several. */
export const SECRET_HELP = `the endpoint's signing secret, or several separated by spaces (default: ${WEBHOOK_SECRET_ENVS.join(", then ")})`;
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
  // Said without the URL: what stands before its `@` is a user name and password.
  if (url?.username || url?.password || authorityOf(text).includes("@")) {
    throw new CliError(`${flag} holds a user name or password (…@): give the URL without them; it is not printed`);
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new CliError(`${flag} "${printable(text)}" is not an http(s) URL, e.g. ${example}`);
  }
  return url;
}

/** What a URL's text holds between its scheme and its path, as far as it can be told unparsed. */
function authorityOf(text: string): string {
  const afterScheme = text.replace(/^[a-z][a-z\d+.-]*:/i, "").replace(/^[\\/]+/, "");
  return afterScheme.split(/[/\\?#]/)[0] ?? "";
}

/** `--url` as given, or with the default path when it has none: `send` and `doctor` read it alike. */
export function webhookUrl(text: string): URL {
  const url = parseUrl(text, "--url", "https://<name>.convex.site");
  if (url.pathname === "/") url.pathname = DEFAULT_PATH;
  return url;
}

/**
 * The signing secrets `--secret` lists, else the first of `WEBHOOK_SECRET_ENVS` that is set (none:
 * undefined), each checked to be `whsec_` + base64 as svix reads it.
 */
export function givenSecrets(option: string | undefined): string[] | undefined {
  const { secrets, source } = listedSecrets(option, "--secret");
  if (source === undefined) return undefined;
  if (secrets.length === 0) throw new CliError(`${source} lists no signing secret: give whsec_…`);
  for (const [index, secret] of secrets.entries()) {
    // Stricter than the deployment, which takes what svix reads: here a value without whsec_ is
    // likely another key pasted in, while a deployment that verifies today must not start refusing.
    let valid = /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret);
    try {
      new Webhook(secret);
    } catch {
      valid = false;
    }
    // The value itself is not echoed: it may be a real secret pasted into the wrong place.
    if (!valid) {
      throw new CliError(
        `${secretLabel(source, index, secrets.length)} is not a signing secret: expected whsec_ followed by base64, ` +
          "as the Clerk dashboard shows it",
      );
    }
  }
  return secrets;
}

/** The signing secrets, which `send` needs. */
export function requiredSecrets(option: string | undefined): string[] {
  const secrets = givenSecrets(option);
  if (!secrets)
    throw new CliError(`no signing secret: pass --secret whsec_… or set ${WEBHOOK_SECRET_ENVS.join(" or ")}`);
  return secrets;
}

/** Why a request got no answer, in one line. */
export function unreachable(url: URL, error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") {
    return `no answer from ${url.host} within ${TIMEOUT_MS / 1000} s`;
  }
  // fetch hides the network error (ECONNREFUSED, ENOTFOUND, TLS...) in `cause`.
  const cause = (error as { cause?: { message?: string; code?: string } } | undefined)?.cause;
  const reason = cause?.message || cause?.code || (error instanceof Error ? error.message : String(error));
  return `cannot reach ${url.host}: ${printable(reason)}`;
}

/**
 * Why Clerk's API could not be reached. `@clerk/backend` reports any network failure as
 * "fetch failed" and drops its cause, so the host is asked once more, directly, for the cause
 * (refused, unknown host, TLS, timeout…).
 */
export async function networkCause(apiUrl: URL, reported: string): Promise<string> {
  try {
    await fetch(apiUrl, { method: "HEAD", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    return unreachable(apiUrl, error);
  }
  return `cannot reach ${apiUrl.host} (${reported}), though it answers now: run the check again`;
}

/** The most characters printed of one text an answer chose: an error, a body, a message, a name. */
export const MAX_PRINTED_CHARS = 300;
/** The most of an answer's body read: the rest is not waited for. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A text a remote answer chose, fit to print on one line: every secret key cut out (`known`
 * too), every control character written out (`\u001b`…), so it can neither move the cursor nor
 * start a line of its own, and at most `max` characters. `flatten` collapses whitespace first,
 * as for the start of a body.
 */
export function printable(
  text: string,
  { known = [], flatten = false, max = MAX_PRINTED_CHARS }: PrintOptions = {},
): string {
  const scrubbed = scrubSecrets(text, known);
  return clip(escapeControl(flatten ? scrubbed.replace(/\s+/g, " ").trim() : scrubbed), max);
}

export type PrintOptions = { known?: readonly (string | undefined)[]; flatten?: boolean; max?: number };

/** What an endpoint answered to a POST: status, body text (at most `MAX_BODY_BYTES`), and how long it took. */
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
  const text = await boundedText(response);
  return { status: response.status, text, ms: Math.round(performance.now() - started) };
}

/** The body's first `MAX_BODY_BYTES` as text: an endpoint that answers without end is not read to its end. */
export async function boundedText(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel();
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString("utf8");
}
