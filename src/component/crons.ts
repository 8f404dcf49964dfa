import { cronJobs } from "convex/server";
import { internal } from "./_generated/api.js";

const crons = cronJobs();

// The component's own schedule: hosts wire nothing, and deliveries share no state for it.
crons.interval("sweep expired dedupe records and tombstones", { hours: 1 }, internal.retention.sweep, {});

export default crons;
