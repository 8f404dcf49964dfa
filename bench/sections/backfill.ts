import type { Section } from "./section.js";

/**
 * Placeholder until the component has a backfill. Then: users per second against the
 * local Clerk stand-in, mutations per 10k users, and the projected time of a 100k-user
 * backfill at Clerk's production rate limit from the measured per-page cost.
 */
export const backfillSection: Section = {
  key: "backfill",
  title: "4. Backfill",
  async run() {
    return {
      lines: ["backfill: not measured (no backfill yet)"],
      json: { measured: false, reason: "no backfill yet" },
    };
  },
};
