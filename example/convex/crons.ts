import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";

const crons = cronJobs();

// Catch what webhooks missed (deliveries that failed past Svix's retries). Every hour, the
// users Clerk changed since the last completed pass: usually one request. Every night, a
// full pass: every user, organization and membership, and deletions of what Clerk no longer
// has (a full pass takes over from an incremental one still running).
crons.hourly("sync users Clerk changed", { minuteUTC: 17 }, internal.backfill.start, { mode: "incremental" });
crons.daily("reconcile everything with Clerk", { hourUTC: 4, minuteUTC: 23 }, internal.backfill.start, {
  mode: "full",
});

// Is the whole path (Clerk, Svix, the route) working? Every 5 minutes, a heartbeat through it
// (run heartbeat:setUp once first).
crons.interval("heartbeat through Clerk's webhook", { minutes: 5 }, internal.heartbeat.send, {});

// Is the webhook delivering? Every hour, a warning in the logs unless the verdict is ok.
crons.hourly("warn when Clerk's webhook is not ok", { minuteUTC: 47 }, internal.syncStatus.warnIfUnhealthy, {});

export default crons;
