import { httpRouter } from "convex/server";
import { registerClerkRoutes } from "convex-clerk-sync";
import { components } from "./_generated/api";

const http = httpRouter();

// POST /clerk-users-webhook, signed with CLERK_WEBHOOK_SECRET.
registerClerkRoutes(http, components.clerk);

export default http;
