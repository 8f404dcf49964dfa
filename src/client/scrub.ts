// The one place that decides what of a text may leave the package: thrown errors, a
// `ConvexError`'s data, log lines and the CLI's output all pass through `scrubSecrets`, and
// anything a request or a remote answer chose is cut with `clip` before it is logged, stored
// or printed.

/** What stands in for a secret that was cut out. */
export const REDACTED = "[redacted]";

/**
 * The most characters kept of a string a request or a remote answer chose (a `svix-id`, an
 * event type, an id, Clerk's message) in a log line or a failure record.
 */
export const MAX_QUOTED_CHARS = 100;

/** The most characters of one log line: the rest is cut, whatever made it long. */
export const MAX_LOG_LINE_CHARS = 1000;

/** Pieces of a known secret shorter than this are not hunted for on their own (they could be words). */
const MIN_SECRET_PIECE = 6;

/**
 * `text` with every secret cut out:
 * - each of `known` (the key in use), in full, JSON-escaped, and each whitespace-separated
 *   piece of it, so a key with a line break loses its tail too;
 * - any quoted value holding `sk_test_`/`sk_live_` or `Bearer …`, from there to its closing
 *   quote, whatever whitespace it contains;
 * - any other `sk_test_…`/`sk_live_…` up to the next whitespace or quote;
 * - the value of an `Authorization` header, and of `Bearer …`, in any echo.
 */
export function scrubSecrets(text: string, known: readonly (string | undefined)[] = []): string {
  let scrubbed = text;
  for (const piece of knownPieces(known)) scrubbed = scrubbed.split(piece).join(REDACTED);
  return scrubbed
    .replace(/(["'`])((?:(?!\1)[\s\S])*?)\1/g, (quoted, quote: string, inside: string) => {
      const start = inside.search(/\bsk_(?:test|live)_|\bBearer\s/i);
      return start < 0 ? quoted : `${quote}${inside.slice(0, start)}${REDACTED}${quote}`;
    })
    .replace(/\b(sk_(?:test|live)_)(?!\[redacted\])[^\s"'`]*/g, `$1${REDACTED}`)
    .replace(/\b(Authorization["']?\s*[:=]\s*)(?!["'`]?\[redacted\])[^\r\n"'`,;}]*/gi, `$1${REDACTED}`)
    .replace(/\b(Bearer\s+)(?!\[redacted\])[^\s"'`,;}]+/gi, `$1${REDACTED}`);
}

/** The known secrets and the pieces of each worth hunting for, longest first. */
function knownPieces(known: readonly (string | undefined)[]): string[] {
  const pieces = new Set<string>();
  for (const secret of known) {
    if (!secret) continue;
    const escaped = JSON.stringify(secret).slice(1, -1);
    for (const whole of [secret, escaped]) {
      pieces.add(whole);
      for (const piece of whole.split(/\s+|\\[nrt]/)) if (piece.length >= MIN_SECRET_PIECE) pieces.add(piece);
    }
  }
  return [...pieces].sort((a, b) => b.length - a.length);
}

/** `text` cut to `max` characters, with `…` where it was cut. */
export function clip(text: string, max = MAX_QUOTED_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * `text` safe to print on a terminal: every control character (escape sequences, carriage
 * returns, line breaks, C1 controls, bidirectional overrides) written out as `\u001b` and the
 * like, so a remote answer can neither move the cursor nor start a line of its own.
 */
export function escapeControl(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what it writes out
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
