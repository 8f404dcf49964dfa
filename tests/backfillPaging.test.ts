// The pure pieces of the backfill, without a backend: where a list goes on after a page,
// which stages a run plans, and how a run that ended short says so.
import { describe, expect, test } from "vitest";
import { afterCursorPage, afterOffsetPage, START, type Entry } from "../src/component/backfill/paging";
import { shortfallReason, stagePlan } from "../src/component/backfill/run";
import { phaseOf } from "../src/component/backfillValidators";

const entries = (...ids: [string, number | null][]): Entry[] => ids.map(([id, key]) => ({ id, key }));
const keep = (outcome: { fresh: (entry: Entry) => boolean }, page: Entry[]) =>
  page.filter(outcome.fresh).map((entry) => entry.id);

describe("a list read by Clerk's cursor", () => {
  test("a full page goes on from its last object; the anchors are the objects of that millisecond", () => {
    const page = entries(["a", 1], ["b", 2], ["c", 2]);
    const outcome = afterCursorPage(START, page, { pageSize: 3, seen: 0 });
    expect(outcome).toMatchObject({ end: null, rewind: false });
    expect(outcome.position).toEqual({ reread: false, cursor: { id: "c", createdAt: 2 }, anchors: ["b", "c"] });
    expect(keep(outcome, page)).toEqual(["a", "b", "c"]);
  });

  test("a short page ends the list when what was seen reaches Clerk's count, or when there is no count", () => {
    const page = entries(["d", 3]);
    expect(afterCursorPage(START, page, { pageSize: 3, seen: 3, total: 4 }).end).toBe("ended");
    expect(afterCursorPage(START, page, { pageSize: 3, seen: 3, total: 2 }).end).toBe("ended"); // users deleted since
    expect(afterCursorPage(START, page, { pageSize: 3, seen: 3 }).end).toBe("ended");
  });

  test("a short page (or an empty one) below Clerk's count is read again; still short, it is a shortfall", () => {
    const at = { ...START, cursor: { id: "c", createdAt: 2 }, anchors: ["b", "c"] };
    const first = afterCursorPage(at, [], { pageSize: 3, seen: 3, total: 6 });
    expect(first).toMatchObject({ end: null, rewind: false, position: { reread: true } });
    const rereading = { ...at, reread: true };
    // The re-read from the cursor's millisecond brings back b and c: not new, not counted.
    const again = entries(["b", 2], ["c", 2]);
    const second = afterCursorPage(rereading, again, { pageSize: 3, seen: 3, total: 6 });
    expect(keep(second, again)).toEqual([]);
    expect(second).toMatchObject({ end: "short", rewind: true });
  });

  test("a re-read that finds objects after the cursor goes on by cursor from the last of them", () => {
    const rereading = { ...START, cursor: { id: "c", createdAt: 2 }, anchors: ["b", "c"], reread: true };
    const page = entries(["b", 2], ["c", 2], ["d", 3]);
    const outcome = afterCursorPage(rereading, page, { pageSize: 3, seen: 3, total: 6 });
    expect(keep(outcome, page)).toEqual(["d"]);
    expect(outcome).toMatchObject({ end: null, rewind: true });
    expect(outcome.position).toEqual({ reread: false, cursor: { id: "d", createdAt: 3 }, anchors: ["d"] });
  });
});

describe("a list Clerk pages by offset only", () => {
  const facts = { pageSize: 4, seen: 0, descending: false };

  test("each request starts at the previous page's last objects, which are not stored again", () => {
    const first = afterOffsetPage(START, entries(["a", 1], ["b", 2], ["c", 3], ["d", 4]), facts);
    expect(first.position).toEqual({ offset: 1, anchors: ["b", "c", "d"], lastKey: 4, reread: false });
    const page = entries(["b", 2], ["c", 3], ["d", 4], ["e", 5]);
    const next = afterOffsetPage({ ...START, ...first.position } as typeof START, page, facts);
    expect(keep(next, page)).toEqual(["e"]);
  });

  test("a page that contains none of the anchors and starts after them reads further back", () => {
    const at = { ...START, offset: 3, anchors: ["b", "c", "d"], lastKey: 4 };
    const outcome = afterOffsetPage(at, entries(["f", 6], ["g", 7]), facts);
    expect(outcome).toEqual({ fresh: expect.any(Function), position: { offset: 2 }, rewind: true, end: null });
  });

  test("a short page ends the list at its total_count; short of it, the run reads on once, then reports it", () => {
    const page = entries(["a", 1]);
    expect(afterOffsetPage(START, page, { ...facts, total: 1 }).end).toBe("ended");
    const first = afterOffsetPage(START, page, { ...facts, total: 5 });
    expect(first).toMatchObject({ end: null, position: { reread: true } });
    expect(afterOffsetPage({ ...START, reread: true }, page, { ...facts, total: 5 }).end).toBe("short");
  });
});

describe("a run's stages", () => {
  const phases = (...args: Parameters<typeof stagePlan>) => stagePlan(...args).map(phaseOf);

  test("full passes list each kind their options name, then reconcile those that have a reconciliation", () => {
    expect(phases("full", { organizations: false, billing: false, reconcile: true })).toEqual([
      "users",
      "reconcileUsers",
    ]);
    expect(phases("full", { organizations: true, billing: true, reconcile: true })).toEqual([
      "users",
      "organizations",
      "memberships",
      "invitations",
      "permissions",
      "roles",
      "billingPlans",
      "subscriptionItems",
      "reconcileUsers",
      "reconcileOrganizations",
      "reconcileMemberships",
      "reconcileInvitations",
      "reconcilePermissions",
      "reconcileRoles",
    ]);
    expect(phases("full", { organizations: false, billing: true, reconcile: false })).toEqual([
      "users",
      "billingPlans",
      "subscriptionItems",
    ]);
  });

  test("incremental passes list users only", () => {
    expect(phases("incremental", { organizations: true, billing: true, reconcile: true })).toEqual(["users"]);
  });
});

describe("a run that ended short of Clerk's count", () => {
  test("its reason gives each kind's counts with thousands separators, as the rest of the output does", () => {
    expect(
      shortfallReason([
        { kind: "users", seen: 1198, clerkTotal: 1200 },
        { kind: "memberships", seen: 15, clerkTotal: 20 },
      ]),
    ).toBe(
      "Clerk's list ended short of its count even when read again (users: saw 1,198 of 1,200; memberships: saw 15 of 20)",
    );
  });
});
