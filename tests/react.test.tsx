// @vitest-environment happy-dom
import { StrictMode } from "react";
import { act, render, renderHook, screen } from "@testing-library/react";
import { describe, expect, test, vi } from "vitest";
import { ConvexError } from "convex/values";
import { useSyncedUser, type UseSyncedUserOptions } from "convex-clerk-sync/react";
import { api } from "../example/convex/_generated/api";
import { Account } from "../example/app/Account";
import { advance, alice, authLoading, bob, deferred, signedIn, signedOut, useBackend } from "./support/reactBackend";

const backend = await vi.hoisted(async () => (await import("./support/reactBackend")).createBackend());
vi.mock("convex/react", async () => (await import("./support/reactBackend")).convexReactOf(backend));
const { set, storesUser } = useBackend(backend);

function mount(options?: UseSyncedUserOptions) {
  return renderHook(() => useSyncedUser(api.users.me, api.users.ensureMe, options));
}

describe("useSyncedUser", () => {
  test("signed out: no query, no action", async () => {
    backend.set(signedOut);
    const { result } = mount();
    expect(result.current).toEqual({ status: "signedOut", user: null, error: null });
    await advance(60_000);
    expect(backend.queries.length).toBeGreaterThan(0);
    expect(new Set(backend.queries)).toEqual(new Set(["skip"]));
    expect(backend.action).not.toHaveBeenCalled();
  });

  test("auth loading: loading, no query, no action", async () => {
    backend.set(authLoading);
    const { result } = mount();
    expect(result.current).toEqual({ status: "loading", user: null, error: null });
    await advance(60_000);
    expect(new Set(backend.queries)).toEqual(new Set(["skip"]));
    expect(backend.action).not.toHaveBeenCalled();
  });

  test("query loading: loading, the query subscribed, no action", async () => {
    backend.set(signedIn(undefined));
    const { result } = mount();
    expect(result.current.status).toBe("loading");
    await advance(60_000);
    expect(result.current.status).toBe("loading");
    expect(new Set(backend.queries)).toEqual(new Set(["users:me"]));
    expect(backend.action).not.toHaveBeenCalled();
  });

  test("already synced: ready with the user, no action", async () => {
    backend.set(signedIn(alice));
    const { result } = mount();
    expect(result.current).toEqual({ status: "ready", user: alice, error: null });
    await advance(60_000);
    expect(backend.action).not.toHaveBeenCalled();
    expect(backend.actionNames).toEqual(new Set(["users:ensureMe"]));
  });

  test("the webhook lands during the grace period: ready, no action", async () => {
    backend.set(signedIn(null));
    const { result } = mount();
    expect(result.current).toEqual({ status: "syncing", user: null, error: null });
    await advance(1500);
    expect(result.current.status).toBe("syncing");
    set({ me: alice });
    expect(result.current).toEqual({ status: "ready", user: alice, error: null });
    await advance(60_000);
    expect(backend.action).not.toHaveBeenCalled();
  });

  test("the webhook never lands: the action runs once after the grace period, then ready", async () => {
    backend.action.mockImplementation(storesUser(alice));
    backend.set(signedIn(null));
    const { result } = mount({ gracePeriodMs: 3000 });
    await advance(2999);
    expect(backend.action).not.toHaveBeenCalled();
    expect(result.current.status).toBe("syncing");
    await advance(1);
    expect(backend.action).toHaveBeenCalledTimes(1);
    expect(backend.action).toHaveBeenCalledWith({});
    expect(result.current).toEqual({ status: "ready", user: alice, error: null });
    await advance(60_000);
    expect(backend.action).toHaveBeenCalledTimes(1);
  });

  test("the default grace period is 2 s", async () => {
    backend.action.mockImplementation(storesUser(alice));
    backend.set(signedIn(null));
    mount();
    await advance(1999);
    expect(backend.action).not.toHaveBeenCalled();
    await advance(1);
    expect(backend.action).toHaveBeenCalledTimes(1);
  });

  test("the action fails, then succeeds after the backoff delay: two calls, ready", async () => {
    backend.action.mockRejectedValueOnce(new Error("Clerk API unavailable")).mockImplementationOnce(storesUser(alice));
    backend.set(signedIn(null));
    const { result } = mount({ gracePeriodMs: 1000, initialRetryDelayMs: 5000 });
    await advance(1000);
    expect(backend.action).toHaveBeenCalledTimes(1);
    expect(result.current).toEqual({ status: "syncing", user: null, error: null });
    await advance(4999);
    expect(backend.action).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(backend.action).toHaveBeenCalledTimes(2);
    expect(result.current).toEqual({ status: "ready", user: alice, error: null });
    await advance(60_000);
    expect(backend.action).toHaveBeenCalledTimes(2);
  });

  test("the action always fails: error after maxAttempts, backoff capped; then a late webhook", async () => {
    const failure = new ConvexError("Clerk API unavailable");
    backend.action.mockRejectedValue(failure);
    backend.set(signedIn(null));
    const { result } = mount({ gracePeriodMs: 0, initialRetryDelayMs: 1000, maxRetryDelayMs: 3000, maxAttempts: 4 });
    // Attempts at 0, 1000, 3000 (after 2000) and 6000 (after 3000, the cap, not 4000).
    const callsAt = new Map([
      [0, 1],
      [999, 1],
      [1000, 2],
      [2999, 2],
      [3000, 3],
      [5999, 3],
    ]);
    let now = 0;
    for (const [at, calls] of callsAt) {
      await advance(at - now);
      now = at;
      expect(backend.action).toHaveBeenCalledTimes(calls);
      expect(result.current.status).toBe("syncing");
    }
    await advance(1);
    expect(backend.action).toHaveBeenCalledTimes(4);
    expect(result.current).toEqual({ status: "error", user: null, error: failure });
    await advance(600_000);
    expect(backend.action).toHaveBeenCalledTimes(4);
    expect(result.current.status).toBe("error");
    set({ me: alice });
    expect(result.current).toEqual({ status: "ready", user: alice, error: null });
  });

  test("the action answers null (unknown to Clerk): a failed attempt, with a clear error", async () => {
    backend.action.mockResolvedValue(null);
    backend.set(signedIn(null));
    const { result } = mount({ maxAttempts: 2, initialRetryDelayMs: 100 });
    await advance(2000);
    expect(backend.action).toHaveBeenCalledTimes(1);
    expect(result.current.status).toBe("syncing");
    await advance(100);
    expect(backend.action).toHaveBeenCalledTimes(2);
    expect(result.current.status).toBe("error");
    expect(result.current.error?.message).toBe("The sync action found no user: signed out, or unknown to Clerk");
  });

  test("a thrown non-Error becomes an Error", async () => {
    backend.action.mockRejectedValue("network down");
    backend.set(signedIn(null));
    const { result } = mount({ maxAttempts: 1 });
    await advance(2000);
    expect(result.current.status).toBe("error");
    expect(result.current.error).toBeInstanceOf(Error);
    expect(result.current.error?.message).toBe("network down");
  });

  test("sign-out resets: the error is forgotten, and signing in again starts over", async () => {
    backend.action.mockRejectedValueOnce(new Error("Clerk API unavailable"));
    backend.set(signedIn(null));
    const { result } = mount({ maxAttempts: 1 });
    await advance(2000);
    expect(result.current.status).toBe("error");
    set(signedOut);
    expect(result.current).toEqual({ status: "signedOut", user: null, error: null });
    await advance(60_000);
    expect(backend.action).toHaveBeenCalledTimes(1);

    backend.action.mockImplementation(storesUser(alice));
    set(signedIn(null));
    expect(result.current).toEqual({ status: "syncing", user: null, error: null });
    await advance(1999);
    expect(backend.action).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(backend.action).toHaveBeenCalledTimes(2);
    expect(result.current).toEqual({ status: "ready", user: alice, error: null });
  });

  test("sign-out during the grace period: no action", async () => {
    backend.set(signedIn(null));
    const { result } = mount();
    await advance(1000);
    set(signedOut);
    await advance(60_000);
    expect(result.current.status).toBe("signedOut");
    expect(backend.action).not.toHaveBeenCalled();
  });

  test("a different user signing in starts over", async () => {
    backend.set(signedIn(alice));
    const { result } = mount();
    expect(result.current.user).toEqual(alice);
    // Switching sessions reloads Convex auth, then the new user is not stored yet.
    set(authLoading);
    expect(result.current.status).toBe("loading");
    backend.action.mockImplementation(storesUser(bob));
    set(signedIn(null));
    expect(result.current.status).toBe("syncing");
    await advance(2000);
    expect(backend.action).toHaveBeenCalledTimes(1);
    expect(result.current).toEqual({ status: "ready", user: bob, error: null });
  });

  test("never two calls at once: a new run waits for the call in flight", async () => {
    const first = deferred();
    backend.action.mockReturnValueOnce(first.promise).mockImplementationOnce(storesUser(alice));
    backend.set(signedIn(null));
    const { result } = mount({ initialRetryDelayMs: 0 });
    await advance(2000);
    expect(backend.action).toHaveBeenCalledTimes(1);
    set(signedOut);
    set(signedIn(null));
    await advance(60_000);
    expect(backend.action).toHaveBeenCalledTimes(1);
    await act(async () => first.reject(new Error("timed out")));
    await advance(0);
    expect(backend.action).toHaveBeenCalledTimes(2);
    expect(result.current.status).toBe("ready");
  });

  test("the result of a call from before sign-out is ignored", async () => {
    const first = deferred();
    backend.action.mockReturnValueOnce(first.promise);
    backend.set(signedIn(null));
    const { result } = mount({ maxAttempts: 1 });
    await advance(2000);
    set(signedOut);
    await act(async () => first.reject(new Error("late failure")));
    expect(result.current).toEqual({ status: "signedOut", user: null, error: null });
    set(signedIn(null));
    expect(result.current).toEqual({ status: "syncing", user: null, error: null });
  });

  test("unmount clears its timers: no call afterwards", async () => {
    backend.set(signedIn(null));
    const { unmount } = mount();
    await advance(1000);
    expect(vi.getTimerCount()).toBe(1);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
    await advance(60_000);
    expect(backend.action).not.toHaveBeenCalled();
  });

  test("unmount during the backoff delay: no further call", async () => {
    backend.action.mockRejectedValue(new Error("Clerk API unavailable"));
    backend.set(signedIn(null));
    const { unmount } = mount();
    await advance(2000);
    expect(backend.action).toHaveBeenCalledTimes(1);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
    await advance(600_000);
    expect(backend.action).toHaveBeenCalledTimes(1);
  });

  test("StrictMode's double effects still call the action once", async () => {
    backend.action.mockImplementation(storesUser(alice));
    backend.set(signedIn(null));
    const { result } = renderHook(() => useSyncedUser(api.users.me, api.users.ensureMe), { wrapper: StrictMode });
    await advance(2000);
    expect(backend.action).toHaveBeenCalledTimes(1);
    expect(result.current.status).toBe("ready");
  });

  test("a new options object on every render does not restart the grace period", async () => {
    backend.action.mockImplementation(storesUser(alice));
    backend.set(signedIn(null));
    const { rerender } = renderHook(() => useSyncedUser(api.users.me, api.users.ensureMe, { gracePeriodMs: 2000 }));
    await advance(1500);
    rerender();
    await advance(500);
    expect(backend.action).toHaveBeenCalledTimes(1);
  });

  test.each([
    [{ gracePeriodMs: -1 }, "useSyncedUser: gracePeriodMs must be a finite number ≥ 0, got -1"],
    [{ initialRetryDelayMs: Number.NaN }, "useSyncedUser: initialRetryDelayMs must be a finite number ≥ 0, got NaN"],
    [{ maxRetryDelayMs: Infinity }, "useSyncedUser: maxRetryDelayMs must be a finite number ≥ 0, got Infinity"],
    [{ maxAttempts: 0 }, "useSyncedUser: maxAttempts must be an integer ≥ 1, got 0"],
    [{ maxAttempts: 1.5 }, "useSyncedUser: maxAttempts must be an integer ≥ 1, got 1.5"],
  ])("invalid options %o are refused", (options, message) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    backend.set(signedIn(null));
    expect(() => mount(options)).toThrow(message);
  });
});

describe("the example's Account component", () => {
  test("shows each status", async () => {
    backend.action.mockRejectedValueOnce(new Error("Clerk API unavailable")).mockImplementationOnce(storesUser(alice));
    backend.set(authLoading);
    render(<Account />);
    expect(screen.getByText("Loading…")).toBeTruthy();
    set(signedOut);
    expect(screen.getByText("Sign in to see your account.")).toBeTruthy();
    set(signedIn(null));
    expect(screen.getByText("Setting up your account…")).toBeTruthy();
    await advance(2000);
    expect(backend.action).toHaveBeenCalledTimes(1);
    expect(screen.getByText("Setting up your account…")).toBeTruthy();
    await advance(1000);
    expect(screen.getByRole("heading").textContent).toBe("Alice Example");
    expect(screen.getByText("alice@example.com")).toBeTruthy();
  });

  test("shows the error", async () => {
    backend.action.mockRejectedValue(new Error("Clerk API unavailable"));
    backend.set(signedIn(null));
    render(<Account />);
    await advance(600_000);
    expect(screen.getByRole("alert").textContent).toBe("Could not set up your account: Clerk API unavailable");
  });
});
