// Every kind a backfill lists, by name: the client half of src/component/backfill/sources.ts.
// A kind in BACKFILL_KINDS without its entry here does not compile.
import type { BackfillKind } from "../../component/backfillValidators.js";
import type { PageItem } from "../../component/backfill/sources.js";
import { billingPlans } from "./billingPlans.js";
import { invitations } from "./invitations.js";
import { memberships } from "./memberships.js";
import { organizations } from "./organizations.js";
import { permissions } from "./permissions.js";
import { roles } from "./roles.js";
import type { ClientSource } from "./source.js";
import { subscriptionItems } from "./subscriptionItems.js";
import { users } from "./users.js";

export const clientSources: { [K in BackfillKind]: ClientSource<PageItem<K>> } = {
  users,
  organizations,
  memberships,
  invitations,
  permissions,
  roles,
  billingPlans,
  subscriptionItems,
};
