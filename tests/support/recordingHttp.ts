// The host router for hook tests: the example's route, with the recording hooks wired on the ClerkSync.
import { httpRouter, makeFunctionReference } from "convex/server";
import { ClerkSync, type OrganizationEventHandlerReference, type UserEventHandlerReference } from "convex-clerk-sync";
import { registerClerkRoutes } from "convex-clerk-sync/http";
import { components } from "../../example/convex/_generated/api";

/** The ClerkSync with the recording hooks (the bench's backfill with hooks uses it too). */
export const recordingClerk = new ClerkSync(components.clerk, {
  onUserEvent: makeFunctionReference("recordingHooks:onUserEvent") as unknown as UserEventHandlerReference,
  onOrganizationEvent: makeFunctionReference(
    "recordingHooks:onOrganizationEvent",
  ) as unknown as OrganizationEventHandlerReference,
});

const http = httpRouter();
registerClerkRoutes(http, recordingClerk);
export default http;
