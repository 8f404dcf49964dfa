// The `[clerk-sync]` log lines of the host-side code (the webhook, the backfill). The component
// itself never logs, so the level lives here, on the host, with no table to keep it in.
import { clip, escapeControl, MAX_LOG_LINE_CHARS, scrubSecrets } from "./scrub.js";

/** The least severe level logged; `"NONE"` logs nothing. */
export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR" | "NONE";

/** The deployment variable read when `ClerkSync`'s `logLevel` option is not given. */
export const LOG_LEVEL_ENV = "CLERK_SYNC_LOG_LEVEL";

const SEVERITY: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, NONE: 4 };

/**
 * Writes `[clerk-sync] …` lines at or above its level through `console`: each a single line of at
 * most `MAX_LOG_LINE_CHARS` characters after the prefix, control characters written out and any
 * secret key cut out.
 */
export type Logger = {
  debug(message: string): void;
  /** Each applied or ignored delivery. */
  info(message: string): void;
  /** A rejected request or a step that will be retried. */
  warn(message: string): void;
  /** Something the host has to fix (a missing secret, a hook that threw). */
  error(message: string): void;
};

/**
 * A logger at `level`; without one, at the level `CLERK_SYNC_LOG_LEVEL` names, read now
 * (an unknown name counts as unset), else `"INFO"`.
 */
export function createLogger(level?: LogLevel): Logger {
  const threshold = SEVERITY[level ?? levelFromEnvironment() ?? "INFO"];
  const at =
    (severity: LogLevel, write: (line: string) => void) =>
    (message: string): void => {
      // A line may quote what a request claimed (its svix-id, its event type): one line, bounded, no key.
      if (SEVERITY[severity] >= threshold)
        write(`[clerk-sync] ${clip(scrubSecrets(escapeControl(message)), MAX_LOG_LINE_CHARS)}`);
    };
  return {
    debug: at("DEBUG", (line) => console.debug(line)),
    info: at("INFO", (line) => console.log(line)),
    warn: at("WARN", (line) => console.warn(line)),
    error: at("ERROR", (line) => console.error(line)),
  };
}

function levelFromEnvironment(): LogLevel | undefined {
  const name = process.env[LOG_LEVEL_ENV]?.trim().toUpperCase();
  return name !== undefined && Object.hasOwn(SEVERITY, name) ? (name as LogLevel) : undefined;
}
