import { httpRouter } from "convex/server";
import { registerClerkRoutes } from "convex-clerk-sync";
import { components, internal } from "./_generated/api";

const http = httpRouter();

// POST /clerk-users-webhook, verified with CLERK_WEBHOOK_SECRET; profiles follow users.
registerClerkRoutes(http, components.clerk, { onUserEvent: internal.profiles.onUserEvent });

export default http;
