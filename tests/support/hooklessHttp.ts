// The host router with no lifecycle hooks, as the README sets it up: what a delivery reads is
// then the component's own cost (a host's hooks add their own reads).
import { httpRouter } from "convex/server";
import { ClerkSync } from "convex-clerk-sync";
import { registerClerkRoutes } from "convex-clerk-sync/http";
import { components } from "../../example/convex/_generated/api";

const http = httpRouter();
registerClerkRoutes(http, new ClerkSync(components.clerk));
export default http;
