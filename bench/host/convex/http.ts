import { httpRouter } from "convex/server";
import { ClerkSync } from "convex-clerk-sync";
import { registerClerkRoutes } from "convex-clerk-sync/http";
import { components } from "./_generated/api";

/**
 * The host as the README sets it up, with no lifecycle hooks: what a delivery costs
 * is then the component's own cost. (A host's hooks add their own reads and writes.)
 */
const http = httpRouter();
registerClerkRoutes(http, new ClerkSync(components.clerk));

export default http;
