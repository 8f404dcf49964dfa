import { httpRouter } from "convex/server";
import { registerClerkRoutes } from "convex-clerk-sync/http";
import { clerk } from "./clerk";

const http = httpRouter();

// POST /clerk-users-webhook, verified with CLERK_WEBHOOK_SECRET. Passing the ClerkSync
// (rather than components.clerk) runs its hooks: profiles follow users.
registerClerkRoutes(http, clerk);

export default http;
