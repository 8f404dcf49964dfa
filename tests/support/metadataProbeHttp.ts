// The host router for the metadata round trip: the example's route, with the probe's ClerkSync.
import { httpRouter } from "convex/server";
import { registerClerkRoutes } from "convex-clerk-sync/http";
import { clerk } from "./metadataProbe";

const http = httpRouter();
registerClerkRoutes(http, clerk);
export default http;
