import { createFunctionHandle } from "convex/server";
import type {
  Auth,
  FunctionArgs,
  FunctionReference,
  FunctionReturnType,
  PaginationOptions,
  PaginationResult,
} from "convex/server";
import { ConvexError } from "convex/values";
import type { ComponentApi } from "../component/_generated/component.js";
import type { ClerkApiOptions } from "./clerkApiOptions.js";
import { clerkIdentity } from "./authConfig.js";
import {
  hasAuthorization,
  requireOrgMembership,
  type HasCheck,
  type HasOptions,
  type OrgRequirement,
} from "./authorization.js";
import type {
  BillingEventHandlerReference,
  OrganizationEventHandlerReference,
  UserEventHandlerReference,
} from "./hooks.js";
import type { HookHandles } from "../component/changes.js";
import type { LogLevel } from "./logging.js";
import type { HealthThresholds, SyncHealth } from "../component/health.js";
import type { SyncStatus } from "../component/syncStatus.js";
import {
  toSynced,
  type SyncedInvitation,
  type SyncedMembership,
  type SyncedOrganization,
  type SyncedRole,
  type SyncedSubscription,
  type SyncedUser,
} from "./synced.js";
import { ClerkWriteThrough } from "./writeThrough.js";

/**
 * Any ctx that can run component queries: a query's, a mutation's or an action's.
 * (Spelled out: the query ctx's and the action ctx's `runQuery` types differ.)
 */
export type RunQueryCtx = {
  runQuery: <Query extends FunctionReference<"query", "internal">>(
    query: Query,
    args: FunctionArgs<Query>,
  ) => Promise<FunctionReturnType<Query>>;
};
type RunQueryAuthCtx = RunQueryCtx & { auth: Auth };

/** Any ctx that can run component mutations: a mutation's or an action's. */
export type RunMutationCtx = RunQueryCtx & {
  runMutation: <Mutation extends FunctionReference<"mutation", "internal">>(
    mutation: Mutation,
    args: FunctionArgs<Mutation>,
  ) => Promise<FunctionReturnType<Mutation>>;
};

/**
 * An action's ctx (with `auth`). Only actions may load modules on demand, which
 * `syncCurrentUser` does: a query's or a mutation's ctx does not fit this type.
 */
export type RunActionCtx = RunMutationCtx & {
  runAction: <Action extends FunctionReference<"action", "internal">>(
    action: Action,
    args: FunctionArgs<Action>,
  ) => Promise<FunctionReturnType<Action>>;
  auth: Auth;
};

export type ClerkSyncOptions = {
  /**
   * The host's lifecycle hooks, declared with `defineUserEventHandlers`
   * (e.g. `internal.profiles.onUserEvent`): run for every change, from webhooks,
   * backfill and `syncCurrentUser` alike.
   */
  onUserEvent?: UserEventHandlerReference;
  /**
   * Organization and membership hooks, declared with `defineOrganizationEventHandlers`:
   * run for every change, from webhooks and backfill alike.
   */
  onOrganizationEvent?: OrganizationEventHandlerReference;
  /**
   * Clerk Billing hooks (subscriptions and their items), declared with
   * `defineBillingEventHandlers`: run for every change, from webhooks and backfill alike.
   */
  onBillingEvent?: BillingEventHandlerReference;
  /** For `syncCurrentUser`: Clerk's Backend API (secret key default `CLERK_SECRET_KEY`). */
  clerkApi?: ClerkApiOptions;
  /**
   * Clerk's issuer, its Frontend API URL (`https://verb-noun-00.clerk.accounts.dev`). Only
   * identities it issued count (compared without a trailing slash): one from another auth
   * provider is signed out for `getCurrentUser`, `requireCurrentUser`, `requireOrgRole`, `has`
   * and `syncCurrentUser`. Default: `CLERK_FRONTEND_API_URL`, else `CLERK_JWT_ISSUER_DOMAIN`,
   * read on use, as `clerkAuthProvider` reads them; with neither, those methods throw.
   */
  issuer?: string;
  /**
   * The least severe `[clerk-sync]` line the webhook and the backfill log: `"DEBUG"`,
   * `"INFO"` (each delivery), `"WARN"` (rejected requests, retried steps), `"ERROR"`, or
   * `"NONE"`. Default: the `CLERK_SYNC_LOG_LEVEL` variable, read on use, else `"INFO"`.
   */
  logLevel?: LogLevel;
  /**
   * The thresholds of `getSyncHealth`'s rules, over their defaults (docs/health.md): e.g.
   * `{ fallbackGraceMs: 2 * 60 * 60 * 1000 }` to give a sign-up's webhook two hours.
   */
  health?: HealthThresholds;
  /**
   * Until a full backfill pass has run, hold a delivered user the component neither holds nor
   * has tombstoned, created more than 5 minutes before: answered 200 with outcome `held`,
   * recorded, nothing stored, no hook run; the pass stores the user if Clerk still has it. For
   * adopting a hand-written sync (docs/migrating.md), so that a late replay of a user the old
   * code deleted does not come back before the first pass. Default: false (such a user is stored).
   */
  holdUnlistedUsers?: boolean;
};

/** Error codes of the `ConvexError`s thrown by `requireCurrentUser` and `requireOrgRole`. */
export type ClerkSyncErrorCode = "UNAUTHENTICATED" | "USER_NOT_SYNCED" | "FORBIDDEN";

/** Whose Clerk Billing to read: a user's (`user_…`) or an organization's (`org_…`). */
export type BillingPayer = { userId: string } | { orgId: string };

/**
 * Reads synced users from host queries, mutations and actions:
 * `const clerk = new ClerkSync(components.clerk, { onUserEvent })`. The one place hooks are
 * wired: the webhook route, the backfill and `syncCurrentUser` all take them from here.
 */
export class ClerkSync extends ClerkWriteThrough {
  constructor(
    public readonly component: ComponentApi,
    public readonly options: ClerkSyncOptions = {},
  ) {
    super();
  }

  /** Function handles of the configured hooks, as the component's mutations take them. */
  async hookHandles(): Promise<HookHandles> {
    const { onUserEvent, onOrganizationEvent, onBillingEvent } = this.options;
    return {
      ...(onUserEvent ? { onUserEvent: await createFunctionHandle(onUserEvent) } : {}),
      ...(onOrganizationEvent ? { onOrganizationEvent: await createFunctionHandle(onOrganizationEvent) } : {}),
      ...(onBillingEvent ? { onBillingEvent: await createFunctionHandle(onBillingEvent) } : {}),
    };
  }

  /** The user with this Clerk id (`user_…`), or null. */
  async getUser(ctx: RunQueryCtx, clerkId: string): Promise<SyncedUser | null> {
    return toSynced(await ctx.runQuery(this.component.users.get, { clerkId }));
  }

  /** The user whose primary email is this one, compared case-insensitively, or null. */
  async getUserByEmail(ctx: RunQueryCtx, email: string): Promise<SyncedUser | null> {
    return toSynced(await ctx.runQuery(this.component.users.getByEmail, { email }));
  }

  /**
   * Whether Clerk's webhook is working: when the last delivery of each event type was
   * applied (within the 30-day dedupe window), and the latest deliveries that could not be
   * applied (no signing secret, a hook threw), with svix-id, event type, reason and time.
   * Holds no personal data.
   */
  async getSyncStatus(ctx: RunQueryCtx): Promise<SyncStatus> {
    return ctx.runQuery(this.component.syncStatus.get, {});
  }

  /**
   * Whether Clerk's webhook is delivering, as a verdict to alert on: `ok`; `degraded` (deliveries
   * arrive, but some changes never did: failed deliveries, a backfill pass that repaired objects,
   * a sign-up whose `user.created` never came); or `silent` (Clerk changed things and no delivery
   * arrived, or every delivery is refused). Each reason in words and a number; computed from what
   * is stored, with no write. See docs/health.md for the rules.
   * @param thresholds - over the `health` option's, over the defaults
   * @returns the verdict, its reasons (most severe first), the last delivery's time, the latest passes' repairs
   */
  async getSyncHealth(ctx: RunQueryCtx, thresholds: HealthThresholds = {}): Promise<SyncHealth> {
    return ctx.runQuery(this.component.health.get, { thresholds: { ...this.options.health, ...thresholds } });
  }

  /** The user whose Clerk `external_id` is this one, or null. */
  async getUserByExternalId(ctx: RunQueryCtx, externalId: string): Promise<SyncedUser | null> {
    return toSynced(await ctx.runQuery(this.component.users.getByExternalId, { externalId }));
  }

  /**
   * A page of users in Clerk id order, for convex-helpers' `usePaginatedQuery` (pass the host query's
   * `paginationOpts` through) or a loop over `continueCursor`.
   */
  async listUsers(
    ctx: RunQueryCtx,
    args: { paginationOpts: PaginationOptions },
  ): Promise<PaginationResult<SyncedUser>> {
    const result = await ctx.runQuery(this.component.users.list, { paginationOpts: pageRequest(args.paginationOpts) });
    return { ...result, page: result.page.map((record) => toSynced(record)) };
  }

  /**
   * The signed-in user (the token's `subject`), or null when signed out, signed in through
   * another provider than Clerk (see `issuer`), or not synced yet.
   */
  async getCurrentUser(ctx: RunQueryAuthCtx): Promise<SyncedUser | null> {
    const identity = await clerkIdentity(ctx, this.options.issuer);
    return identity && this.getUser(ctx, identity.subject);
  }

  /**
   * The signed-in user; throws a `ConvexError` with `code` `UNAUTHENTICATED` when signed
   * out (or signed in through another provider) and `USER_NOT_SYNCED` when Clerk's webhook
   * has not arrived yet.
   */
  async requireCurrentUser(ctx: RunQueryAuthCtx): Promise<SyncedUser> {
    const identity = await clerkIdentity(ctx, this.options.issuer);
    if (!identity) {
      throw new ConvexError({ code: "UNAUTHENTICATED" satisfies ClerkSyncErrorCode, message: "Not signed in" });
    }
    const user = await this.getUser(ctx, identity.subject);
    if (!user) {
      throw new ConvexError({
        code: "USER_NOT_SYNCED" satisfies ClerkSyncErrorCode,
        message: "Signed in, but the user has not been synced from Clerk yet",
      });
    }
    return user;
  }

  /** The organization with this Clerk id (`org_…`), or null. */
  async getOrganization(ctx: RunQueryCtx, orgId: string): Promise<SyncedOrganization | null> {
    return toSynced(await ctx.runQuery(this.component.organizations.get, { orgId }));
  }

  /** The organization with this slug, or null. */
  async getOrganizationBySlug(ctx: RunQueryCtx, slug: string): Promise<SyncedOrganization | null> {
    return toSynced(await ctx.runQuery(this.component.organizations.getBySlug, { slug }));
  }

  /** A user's memberships, each with its organization (null if not synced yet); at most 500. */
  async listOrganizationsForUser(
    ctx: RunQueryCtx,
    clerkId: string,
  ): Promise<{ membership: SyncedMembership; organization: SyncedOrganization | null }[]> {
    const rows = await ctx.runQuery(this.component.memberships.listForUser, { clerkId });
    return rows.map(({ membership, organization }) => ({
      membership: toSynced(membership),
      organization: toSynced(organization),
    }));
  }

  /** A page of an organization's memberships. */
  async listMembers(
    ctx: RunQueryCtx,
    orgId: string,
    args: { paginationOpts: PaginationOptions },
  ): Promise<PaginationResult<SyncedMembership>> {
    const result = await ctx.runQuery(this.component.memberships.listMembers, {
      orgId,
      paginationOpts: pageRequest(args.paginationOpts),
    });
    return { ...result, page: result.page.map((record) => toSynced(record)) };
  }

  /**
   * A page of an organization's invitations, newest first; with `status` (`pending`,
   * `accepted`, `revoked`, `expired`), only those. Each holds the address invited: show it to
   * the organization's admins only.
   */
  async listInvitations(
    ctx: RunQueryCtx,
    orgId: string,
    { status, paginationOpts }: { status?: string; paginationOpts: PaginationOptions },
  ): Promise<PaginationResult<SyncedInvitation>> {
    const args = { orgId, paginationOpts: pageRequest(paginationOpts), ...(status !== undefined ? { status } : {}) };
    const result = await ctx.runQuery(this.component.invitations.list, args);
    return { ...result, page: result.page.map((record) => toSynced(record)) };
  }

  /**
   * A user's membership in an organization, or null. Its `permissions` are the effective
   * set: the role's current permissions when the role is synced, else what it carried.
   */
  async getMembership(ctx: RunQueryCtx, args: { orgId: string; clerkId: string }): Promise<SyncedMembership | null> {
    return toSynced(await ctx.runQuery(this.component.memberships.getMembership, args));
  }

  /**
   * The signed-in user's membership in `orgId`, if it has the role (`"org:admin"`; legacy
   * `admin`/`basic_member` keys count as `org:admin`/`org:member`) or the permission
   * (`{ permission: "org:posts:write" }`, checked against the effective set, so it follows
   * `role.*`/`permission.*` events); with no requirement, any membership. From synced data
   * only (it returns the membership); `has` answers from the session token first. Otherwise
   * throws a `ConvexError` with `code` `UNAUTHENTICATED`, or `FORBIDDEN` when the user is
   * not a member or lacks the role or permission.
   */
  async requireOrgRole(ctx: RunQueryAuthCtx, orgId: string, requirement?: OrgRequirement): Promise<SyncedMembership> {
    return requireOrgMembership(this, ctx, orgId, requirement);
  }

  /** The organization role with this key (`org:editor`), with the permissions it grants now; null if not synced. */
  async getRole(ctx: RunQueryCtx, key: string): Promise<SyncedRole | null> {
    return ctx.runQuery(this.component.roles.getByKey, { key });
  }

  /**
   * A user's or an organization's Clerk Billing, from synced data: its subscription, the
   * items not yet over, and the plans (slugs) and features they grant now; null when none
   * was synced. Items that are active, past due, or canceled but inside their period grant
   * their plan. Features are known only where a payload listed them (the Backend API's
   * plans do, webhook payloads do not): prefer `has({ feature })`, which reads the token.
   */
  async getSubscription(ctx: RunQueryCtx, payer: BillingPayer): Promise<SyncedSubscription | null> {
    const payerId = "userId" in payer ? payer.userId : payer.orgId;
    return ctx.runQuery(this.component.billing.getForPayer, { payerId });
  }

  /** Whether a user or an organization is entitled to the plan (its slug), from synced data. */
  async hasPlan(ctx: RunQueryCtx, payer: BillingPayer, plan: string): Promise<boolean> {
    return (await this.getSubscription(ctx, payer))?.plans.includes(plan) ?? false;
  }

  /** Whether a user's or an organization's plans include the feature (its slug), from synced data. */
  async hasFeature(ctx: RunQueryCtx, payer: BillingPayer, feature: string): Promise<boolean> {
    return (await this.getSubscription(ctx, payer))?.features.includes(feature) ?? false;
  }

  /**
   * Clerk's `has()` inside Convex functions, for the signed-in user: a role or permission in
   * an organization (`{ role: "org:admin" }`, `{ permission: "org:reports:read" }`), or a
   * plan or feature (`{ plan: "pro" }`, `{ feature: "o:export" }`; `u:`/`o:` scope as in
   * Clerk, unscoped means the user's or the organization's). False when signed out (or
   * signed in through another provider than Clerk).
   *
   * Answered from the session token when it covers the question: the active organization
   * (`o` claim: role, permissions) and the signed-in user's and active organization's plans
   * and features (`pla`, `fea`). The token is at most about 60 s old (Clerk's session token
   * lifetime), so a change in Clerk shows within a minute. Otherwise, from synced data: an
   * organization other than the active one (`orgId`), a system permission (`org:sys_…`,
   * which Clerk leaves out of tokens), or a token without the claims (Billing off, a custom
   * JWT template). Synced data is as fresh as the last webhook that landed (seconds,
   * usually; longer while Svix retries a failed delivery). Permissions from synced data are
   * the effective set; an organization's plan counts only for its members. With
   * `{ prefer: "synced" }`, synced data answers every check: for one that must see a change
   * just made (a write-through is stored at once; the token shows it only once refreshed).
   */
  async has(ctx: RunQueryAuthCtx, check: HasCheck, options: HasOptions = {}): Promise<boolean> {
    return hasAuthorization(this, ctx, check, options);
  }

  /**
   * From an action: the signed-in user, fetched from Clerk's Backend API and stored
   * (under the webhook rules, hooks included) when the webhook has not arrived yet.
   * Null when signed out (or through another provider), or when Clerk has no such user.
   * Needs `CLERK_SECRET_KEY`.
   * Actions only: it loads the Backend API client on demand, which Convex allows in
   * actions alone (a mutation's ctx does not type-check).
   */
  async syncCurrentUser(ctx: RunActionCtx): Promise<SyncedUser | null> {
    const identity = await clerkIdentity(ctx, this.options.issuer);
    if (!identity) return null;
    const stored = await this.getUser(ctx, identity.subject);
    if (stored) return stored;
    // Loaded on demand: keeps the Backend API client out of every other code path.
    const { clerkClient, fetchUser } = await import("./clerkApi.js");
    const client = clerkClient(this.options.clerkApi ?? {});
    if (typeof client === "string") throw new Error(client);
    const user = await fetchUser(client, identity.subject);
    if (!user) return null;
    // Stored as a sign-up fallback: if this inserts the user, the health check later asks whether its webhook came.
    await ctx.runMutation(this.component.signUpFallbacks.store, { user, hooks: await this.hookHandles() });
    return this.getUser(ctx, identity.subject);
  }
}

/** The fields of a host's `paginationOpts` the component pages by (`endCursor` pins a reactive page's end). */
function pageRequest({ numItems, cursor, endCursor }: PaginationOptions) {
  return { numItems, cursor, ...(endCursor !== undefined ? { endCursor } : {}) };
}
