import type { ReconcileCandidate } from "../../component/backfillValidators.js";
import type { MembershipWithOrganization } from "../../component/records.js";
import { isNotFound, type ClerkApi } from "../clerkApi.js";
import { normalizeMembership, normalizeOrganization } from "../normalize.js";
import { offsetOf, type ClientSource } from "./source.js";

/** Clerk allows up to 100 user ids per membership filter. */
const USER_ID_FILTER_MAX = 100;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Of one organization's stored memberships, those Clerk no longer has: one request per
 * 100 members (filtered by user id). All of them if the organization is gone. A membership
 * whose member is unknown (no user id synced) can only be confirmed gone with its organization.
 */
async function goneInOrganization(api: ClerkApi, orgId: string, candidates: ReconcileCandidate[]) {
  const gone: string[] = [];
  const known = candidates.filter((c): c is ReconcileCandidate & { userId: string } => typeof c.userId === "string");
  const batches = known.length === 0 ? [[]] : chunks(known, USER_ID_FILTER_MAX);
  for (const batch of batches) {
    try {
      const { data } = await api.call((client) =>
        client.organizations.getOrganizationMembershipList({
          organizationId: orgId,
          limit: USER_ID_FILTER_MAX,
          ...(batch.length > 0 ? { userId: batch.map((c) => c.userId) } : {}),
        }),
      );
      const present = new Set(data.map((membership) => membership.id));
      gone.push(...batch.filter((c) => !present.has(c.id)).map((c) => c.id));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return candidates.map((c) => c.id); // the organization itself is gone
    }
  }
  return gone;
}

/**
 * The instance's memberships with their organizations, oldest first (offset paging only).
 * Confirmed gone by organization: one request per organization's candidates.
 */
export const memberships: ClientSource<MembershipWithOrganization> = {
  list: async (api, position, limit) => {
    const offset = offsetOf(position);
    const { data, totalCount } = await api.call((client) =>
      client.organizations.getInstanceOrganizationMembershipList({ limit, offset, orderBy: "+created_at" }),
    );
    const items = data.map(({ raw }) => {
      const organization = raw!.organization ? normalizeOrganization(raw!.organization) : null;
      return { membership: normalizeMembership(raw!, raw!.organization?.id ?? ""), organization };
    });
    return { items, total: totalCount };
  },
  gone: async (api, candidates) => {
    const byOrganization = new Map<string, ReconcileCandidate[]>();
    for (const candidate of candidates) {
      const orgId = candidate.orgId ?? "";
      byOrganization.set(orgId, [...(byOrganization.get(orgId) ?? []), candidate]);
    }
    const gone: string[] = [];
    for (const [orgId, members] of byOrganization) gone.push(...(await goneInOrganization(api, orgId, members)));
    return gone;
  },
};
