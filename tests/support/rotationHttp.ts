// The host router for rotation tests: the recording hooks' ClerkSync, with the two secrets of a
// rotation's endpoints given as an option (a list at the default path, a spaced string at
// /spaced), and an empty list at /no-secrets.
import { httpRouter } from "convex/server";
import { registerClerkRoutes } from "convex-clerk-sync/http";
import { recordingClerk } from "./recordingHttp";

/** The old endpoint's secret and its successor's. */
export const OLD_SECRET = `whsec_${btoa("the old endpoint's secret, 32 b.")}`;
export const NEW_SECRET = `whsec_${btoa("the new endpoint's secret, 32 b.")}`;

const http = httpRouter();
registerClerkRoutes(http, recordingClerk, { webhookSecret: [OLD_SECRET, NEW_SECRET] });
registerClerkRoutes(http, recordingClerk, { path: "/spaced", webhookSecret: `${OLD_SECRET} ${NEW_SECRET}` });
registerClerkRoutes(http, recordingClerk, { path: "/no-secrets", webhookSecret: [] });
export default http;
