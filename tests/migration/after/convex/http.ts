import { httpRouter } from "convex/server";
import { registerClerkRoutes } from "convex-clerk-sync/http";
import { clerk } from "./clerk";

const http = httpRouter();

// The same path as before, /clerk-users-webhook, verified with the same CLERK_WEBHOOK_SECRET:
// Clerk's endpoint stays as it is.
registerClerkRoutes(http, clerk);

export default http;
