// A stand-in for the Convex React client under React Testing Library: auth state and the `me`
// query's answer in a store the hooks subscribe to, the action as a mock, fake timers. Loaded
// before `vi.mock("convex/react")` applies, so it imports nothing that imports convex/react.
import { act, cleanup } from "@testing-library/react";
import { afterEach, beforeEach, vi } from "vitest";
import { api } from "../../example/convex/_generated/api";

export type Me = NonNullable<(typeof api.users.me)["_returnType"]>;
type State = { auth: { isLoading: boolean; isAuthenticated: boolean }; me: unknown };
export type Backend = ReturnType<typeof createBackend>;

/** The client's state, reactive through a store, and what the hooks asked of it. */
export function createBackend() {
  const listeners = new Set<() => void>();
  let state: State = { auth: { isLoading: false, isAuthenticated: false }, me: undefined };
  return {
    get: () => state,
    set(patch: Partial<State>) {
      state = { ...state, ...patch };
      for (const listener of listeners) listener();
    },
    reset() {
      state = { auth: { isLoading: false, isAuthenticated: false }, me: undefined };
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Every `useQuery` call: the function name, or "skip". */
    queries: [] as string[],
    action: vi.fn<(args: Record<string, never>) => Promise<unknown>>(),
    actionNames: new Set<string>(),
  };
}

/** `convex/react` as the hooks use it, answered by `backend` (for `vi.mock`). */
export async function convexReactOf(backend: Backend) {
  const { useSyncExternalStore } = await import("react");
  const { getFunctionName } = await import("convex/server");
  return {
    useConvexAuth: () => useSyncExternalStore(backend.subscribe, () => backend.get().auth),
    useQuery: (query: Parameters<typeof getFunctionName>[0], args?: unknown) => {
      const me = useSyncExternalStore(backend.subscribe, () => backend.get().me);
      backend.queries.push(args === "skip" ? "skip" : getFunctionName(query));
      return args === "skip" ? undefined : me;
    },
    useAction: (action: Parameters<typeof getFunctionName>[0]) => {
      backend.actionNames.add(getFunctionName(action));
      return backend.action;
    },
  };
}

/** Each test starts signed out with fake timers and a fresh action mock; unmounts after. */
export function useBackend(backend: Backend) {
  beforeEach(() => {
    vi.useFakeTimers();
    backend.reset();
    backend.queries.length = 0;
    backend.actionNames.clear();
    backend.action.mockReset();
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  return {
    set(patch: Partial<State>) {
      act(() => backend.set(patch));
    },
    /** The action as the example's `ensureMe`: it stores the user, and the query then answers with it. */
    storesUser(user: Me) {
      return async () => {
        backend.set({ me: user });
        return { clerkId: user.clerkId, name: user.name };
      };
    },
  };
}

export const alice: Me = {
  clerkId: "user_alice",
  name: "Alice Example",
  email: "alice@example.com",
  emailVerified: true,
  imageUrl: null,
  role: null,
};
export const bob: Me = { ...alice, clerkId: "user_bob", name: "Bob Example", email: "bob@example.com" };

export const signedOut = { auth: { isLoading: false, isAuthenticated: false }, me: undefined };
export const authLoading = { auth: { isLoading: true, isAuthenticated: false }, me: undefined };
export const signedIn = (me: Me | null | undefined) => ({ auth: { isLoading: false, isAuthenticated: true }, me });

export async function advance(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}
export function deferred() {
  let resolve!: (value: unknown) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
