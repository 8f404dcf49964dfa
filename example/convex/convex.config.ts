import { defineApp } from "convex/server";
import clerk from "convex-clerk-sync/convex.config";
import rateLimiter from "@convex-dev/rate-limiter/convex.config";

const app = defineApp();
app.use(clerk);
// Limits how fast a signed-in user may look others up by email (users.findByEmail).
app.use(rateLimiter);

export default app;
