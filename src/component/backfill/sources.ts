// Every kind a backfill lists, by name. A kind in BACKFILL_KINDS without its source here
// (or without its client half in src/client/backfill/sources.ts) does not compile.
import { v } from "convex/values";
import { BACKFILL_KINDS, type BackfillKind } from "../backfillValidators.js";
import { billingPlanSource } from "./billingPlans.js";
import { invitationSource } from "./invitations.js";
import { membershipSource } from "./memberships.js";
import { organizationSource } from "./organizations.js";
import { permissionSource } from "./permissions.js";
import { roleSource } from "./roles.js";
import type { BackfillSource } from "./source.js";
import { subscriptionItemSource } from "./subscriptionItems.js";
import { userSource } from "./users.js";

export const sources = {
  users: userSource,
  organizations: organizationSource,
  memberships: membershipSource,
  invitations: invitationSource,
  permissions: permissionSource,
  roles: roleSource,
  billingPlans: billingPlanSource,
  subscriptionItems: subscriptionItemSource,
} satisfies { [K in BackfillKind]: { kind: K } };

/** The objects of one page of a kind's list, as the host's step sends them. */
export type PageItem<K extends BackfillKind> = (typeof sources)[K] extends BackfillSource<infer T, K> ? T : never;

/** The source of a kind, its objects' type erased: `applyPage`'s validator checked them against its `item`. */
export function sourceOf(kind: BackfillKind): BackfillSource<unknown> {
  return sources[kind] as unknown as BackfillSource<unknown>;
}

/** One page of a Clerk list, normalized by the host's step. */
export const vBackfillPage = v.union(
  ...BACKFILL_KINDS.map((kind) => v.object({ kind: v.literal(kind), items: v.array(sources[kind].item) })),
);
