import { useEffect, useRef, useState } from "react";
import { useAction, useConvexAuth, useQuery } from "convex/react";
import type { FunctionReference } from "convex/server";

/**
 * Where the signed-in user stands:
 * - `"signedOut"`: Convex has no authenticated user.
 * - `"loading"`: the auth state or the query's first answer is not known yet.
 * - `"syncing"`: signed in, but the user is not stored yet (waiting for the webhook, or the action runs).
 * - `"ready"`: the query returned the user.
 * - `"error"`: every attempt of the action failed; the query is still watched, so a late webhook
 *   turns the status `"ready"`.
 */
export type SyncedUserStatus = "signedOut" | "loading" | "syncing" | "ready" | "error";

/** What {@link useSyncedUser} returns: `user` is set only when `"ready"`, `error` only on `"error"`. */
export type SyncedUserState<User> =
  | { status: "signedOut" | "loading" | "syncing"; user: null; error: null }
  | { status: "ready"; user: User; error: null }
  | { status: "error"; user: null; error: Error };

/** Options of {@link useSyncedUser}. */
export interface UseSyncedUserOptions {
  /**
   * How long to wait, once signed in and the query answers null, before calling the action:
   * Clerk's webhook usually lands within this time, and then no action runs. Default 2000 ms.
   */
  gracePeriodMs?: number;
  /** Delay before the second attempt after a failed one; it doubles on each further failure. Default 1000 ms. */
  initialRetryDelayMs?: number;
  /** Upper bound of the delay between two attempts. Default 30 000 ms. */
  maxRetryDelayMs?: number;
  /** Attempts of the action in all, the first included, before the status turns `"error"`. Default 5. */
  maxAttempts?: number;
}

/** A host query with no arguments that returns the signed-in user's own view, or null. */
export type CurrentUserQuery<User> = FunctionReference<"query", "public", Record<string, never>, User | null>;

/**
 * A host action with no arguments that stores the signed-in user, wrapping `ClerkSync.syncCurrentUser`.
 * Resolving with null counts as a failed attempt (signed out, or unknown to Clerk).
 */
export type SyncUserAction<Result = unknown> = FunctionReference<"action", "public", Record<string, never>, Result>;

const defaults: Required<UseSyncedUserOptions> = {
  gracePeriodMs: 2000,
  initialRetryDelayMs: 1000,
  maxRetryDelayMs: 30_000,
  maxAttempts: 5,
};

/**
 * The signed-in user, read through `currentUserQuery`, with the sign-up race handled: when Convex
 * says authenticated but the query answers null (Clerk's webhook has not landed), it waits
 * `gracePeriodMs`, then calls `syncAction` once, retrying with exponential backoff on failure.
 * It stops as soon as the query returns the user. Needs `ConvexProviderWithClerk` (or any
 * `ConvexProviderWithAuth`) above it. The browser never writes user data: the action fetches
 * the user from Clerk's Backend API, server-side.
 *
 * ```tsx
 * const { status, user, error } = useSyncedUser(api.users.me, api.users.ensureMe);
 * ```
 */
export function useSyncedUser<User, Result = unknown>(
  currentUserQuery: CurrentUserQuery<User>,
  syncAction: SyncUserAction<Result>,
  options: UseSyncedUserOptions = {},
): SyncedUserState<User> {
  checkOptions(options);
  const { isLoading, isAuthenticated } = useConvexAuth();
  const signedIn = isAuthenticated && !isLoading;
  const user = useQuery(currentUserQuery, signedIn ? {} : "skip");
  const callAction = useAction(syncAction);
  const [failure, setFailure] = useState<Error | null>(null);

  // Latest action and options, read when a run needs them: an inline options object or a new
  // action identity must not restart a run in progress.
  const latest = useRef({ callAction, options });
  useEffect(() => {
    latest.current = { callAction, options };
  });
  // The action call in flight, across runs: a new run waits for it, so two never overlap.
  const inFlight = useRef<Promise<unknown> | null>(null);

  const needsSync = signedIn && user === null;
  useEffect(() => {
    if (!needsSync) return;
    const settings = { ...defaults, ...definedOnly(latest.current.options) };
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wake: (() => void) | undefined;
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, ms);
      });

    void syncWithRetries(settings, {
      sleep,
      cancelled: () => cancelled,
      call: () => latest.current.callAction({}),
      inFlight,
      failed: (error) => setFailure(error),
    });

    // Signed out, another user, the user arrived, or unmounted: stop, and forget the failure.
    return () => {
      cancelled = true;
      clearTimeout(timer);
      wake?.();
      setFailure(null);
    };
  }, [needsSync]);

  return stateOf(isLoading, isAuthenticated, user, failure);
}

/** What the hook answers, from Convex's auth state, the query's answer and a failed sync. */
function stateOf<User>(
  isLoading: boolean,
  isAuthenticated: boolean,
  user: User | null | undefined,
  failure: Error | null,
): SyncedUserState<User> {
  if (isLoading) return { status: "loading", user: null, error: null };
  if (!isAuthenticated) return { status: "signedOut", user: null, error: null };
  if (user === undefined) return { status: "loading", user: null, error: null };
  if (user !== null) return { status: "ready", user, error: null };
  if (failure) return { status: "error", user: null, error: failure };
  return { status: "syncing", user: null, error: null };
}

/** What one sync run needs from the hook: its timer, its cancellation, the action, the call in flight. */
type SyncRun = {
  sleep: (ms: number) => Promise<void>;
  cancelled: () => boolean;
  call: () => Promise<unknown>;
  inFlight: { current: Promise<unknown> | null };
  failed: (error: Error) => void;
};

/**
 * Wait the grace period, then call the action until it stores the user, backing off
 * exponentially; after `maxAttempts` failures report the last error. Never two calls at once.
 */
async function syncWithRetries(settings: Required<UseSyncedUserOptions>, run: SyncRun) {
  await run.sleep(settings.gracePeriodMs);
  for (let attempt = 1; !run.cancelled(); attempt++) {
    while (run.inFlight.current) await run.inFlight.current.catch(() => undefined);
    if (run.cancelled()) return;
    const call = run.call();
    run.inFlight.current = call;
    try {
      const result = await call;
      if (result === null) throw new Error("The sync action found no user: signed out, or unknown to Clerk");
      return; // Stored: the query answers with the user next.
    } catch (error) {
      if (run.cancelled()) return;
      if (attempt >= settings.maxAttempts) {
        run.failed(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    } finally {
      if (run.inFlight.current === call) run.inFlight.current = null;
    }
    await run.sleep(Math.min(settings.initialRetryDelayMs * 2 ** (attempt - 1), settings.maxRetryDelayMs));
  }
}

function checkOptions(options: UseSyncedUserOptions): void {
  for (const name of ["gracePeriodMs", "initialRetryDelayMs", "maxRetryDelayMs"] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new Error(`useSyncedUser: ${name} must be a finite number ≥ 0, got ${value}`);
    }
  }
  const { maxAttempts } = options;
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    throw new Error(`useSyncedUser: maxAttempts must be an integer ≥ 1, got ${maxAttempts}`);
  }
}

function definedOnly(options: UseSyncedUserOptions): UseSyncedUserOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
