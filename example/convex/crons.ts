import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";

const crons = cronJobs();

// Catch what webhooks missed (deliveries that failed past Svix's retries): a full pass
// over Clerk's users each night, deleting those Clerk no longer has.
crons.daily("reconcile users with Clerk", { hourUTC: 4, minuteUTC: 0 }, internal.backfill.start);

export default crons;
