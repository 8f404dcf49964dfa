// A stand-in for Svix between Clerk's stand-in and the example app's route, on the tests' fake
// clock: each message is attempted at once, then retried on Svix's schedule (5 s, 5 min, 30 min,
// 2 h, 5 h, 10 h, 10 h after each failure) until a 2xx, then dropped: about 28 hours in all.
// The route can be up, unmounted (no request reaches it: Svix sees 404) or checking another
// signing secret (every delivery refused 401); an event type the endpoint is not subscribed to is
// never sent.
import { vi } from "vitest";
import { deliver, type TestApp } from "../setup";

/** The waits before each retry. */
export const SVIX_RETRIES_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];
const WRONG_SECRET = "whsec_d3JvbmctZW5kcG9pbnQtc2VjcmV0LTAxMjM0NTY=";

type Message = { id: string; payload: { type: string }; due: number; attempt: number };

export type Route = "up" | "unmounted" | "wrongSecret";

export function svixStandIn(t: TestApp) {
  const queue: Message[] = [];
  let sequence = 0;
  const state = { route: "up" as Route, unsubscribed: new Set<string>(), attempts: 0, gaveUp: [] as string[] };

  async function attempt(message: Message) {
    state.attempts++;
    if (state.route === "unmounted") return false;
    const secret = state.route === "wrongSecret" ? { secret: WRONG_SECRET } : {};
    const { status } = await deliver(t, message.payload, { id: message.id, ...secret });
    return status >= 200 && status < 300;
  }

  return {
    state,
    /** Clerk emits an event now: Svix sends it at once (unless the endpoint is not subscribed to its type). */
    emit(payload: { type: string }) {
      if (state.unsubscribed.has(payload.type)) return;
      queue.push({ id: `msg_svix_${++sequence}`, payload, due: Date.now(), attempt: 0 });
    },
    /** Attempt every message due by `until`, in order, the clock at each attempt's time; then the clock at `until`. */
    async runUntil(until: number) {
      for (;;) {
        queue.sort((a, b) => a.due - b.due);
        const next = queue[0];
        if (!next || next.due > until) break;
        queue.shift();
        vi.setSystemTime(Math.max(Date.now(), next.due));
        if (await attempt(next)) continue;
        const wait = SVIX_RETRIES_MS[next.attempt];
        if (wait === undefined) state.gaveUp.push(next.payload.type);
        else queue.push({ ...next, due: next.due + wait, attempt: next.attempt + 1 });
      }
      vi.setSystemTime(Math.max(Date.now(), until));
    },
    pending: () => queue.length,
  };
}
export type SvixStandIn = ReturnType<typeof svixStandIn>;
