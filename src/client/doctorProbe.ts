/**
 * The event type of the delivery `convex-clerk-sync doctor` signs with the endpoint's secret.
 * Not a Clerk event: the endpoint writes nothing, and answers it with the sync health (which
 * holds no personal data) for whoever holds the signing secret.
 */
export const DOCTOR_PROBE_EVENT_TYPE = "convex-clerk-sync.doctor";
