// The demo's clock and its Svix: `Date.now()` (which Convex functions, svix's verifier and the
// Clerk stand-in read) moved forward by jumps, and a Svix that signs each attempt at the time it
// is made and retries a message answered with an error on Svix's schedule (5 s, 5 min, 30 min,
// 2 h, 5 h, 10 h, 10 h after each failure), until a 2xx or about 28 hours, over real HTTP.
import { signDelivery } from "../src/events/sign.js";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const SVIX_RETRIES_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

export type DemoClock = ReturnType<typeof demoClock>;

/** The demo's clock: the real one plus an offset that only grows. */
export function demoClock() {
  const realNow = Date.now.bind(Date);
  let offset = 0;
  Date.now = () => realNow() + offset;
  return {
    /** Move to `time`, unless the clock is past it. */
    set: (time: number) => void (offset = Math.max(offset, time - realNow())),
    later: (ms: number) => void (offset += ms),
  };
}

type Message = { id: string; payload: { type: string }; due: number; attempt: number };

/** An attempt's answer: `200 inserted`, `200 heartbeat returned`, `401`, `404`. */
export type Attempt = { type: string; retry: boolean; answer: string };

export type DemoSvix = ReturnType<typeof demoSvix>;

/** Svix for one endpoint at `url`, signing with its secret. */
export function demoSvix(url: string, secret: string, clock: DemoClock) {
  const queue: Message[] = [];
  let attempts: Attempt[] = [];
  const post = async ({ id, payload }: Message) => {
    const { body, headers } = signDelivery(payload, secret, { id, timestamp: new Date(Date.now()) });
    const response = await fetch(url, { method: "POST", body, headers });
    const answer = (await response.json().catch(() => ({}))) as { outcome?: string; heartbeat?: string };
    return { ok: response.ok, answer: [response.status, answer.outcome, answer.heartbeat].filter(Boolean).join(" ") };
  };
  /** Attempt every message due by `until` in order, the clock at each one's time; then the clock at `until`. */
  const runUntil = async (until: number) => {
    for (;;) {
      queue.sort((a, b) => a.due - b.due);
      const next = queue[0];
      if (!next || next.due > until) break;
      queue.shift();
      clock.set(next.due);
      const { ok, answer } = await post(next);
      attempts.push({ type: next.payload.type, retry: next.attempt > 0, answer });
      const wait = SVIX_RETRIES_MS[next.attempt];
      if (!ok && wait !== undefined) queue.push({ ...next, due: next.due + wait, attempt: next.attempt + 1 });
    }
    clock.set(until);
  };
  /** Clerk emits an event now: Svix attempts it at once (at the next `runUntil`). */
  const emit = (payload: unknown) => {
    const id = `msg_${crypto.randomUUID().replaceAll("-", "").slice(0, 27)}`;
    queue.push({ id, payload: payload as { type: string }, due: Date.now(), attempt: 0 });
  };
  return {
    emit,
    /** Emit, and attempt it now. */
    send: async (payload: unknown) => {
      emit(payload);
      await runUntil(Date.now());
    },
    runUntil,
    /** The attempts made since the last call, and forget them. */
    takeAttempts() {
      const taken = attempts;
      attempts = [];
      return taken;
    },
    /** Messages waiting for a retry. */
    pending: () => queue.length,
  };
}

/** "14 × 200 unchanged, 1 × 404", counted by answer (retries included). */
export function summarize(attempts: Attempt[]) {
  const answers = new Map<string, number>();
  for (const { answer } of attempts) answers.set(answer, (answers.get(answer) ?? 0) + 1);
  return [...answers].map(([answer, n]) => `${n} × ${answer}`).join(", ");
}
