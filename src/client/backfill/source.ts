// The client half of a kind's backfill: how the host's step reads a page of its Clerk list,
// and how it confirms that stored objects are gone. One module per kind in this folder; sources.ts lists them.
import type { ListPosition, ReconcileCandidate } from "../../component/backfillValidators.js";
import type { ClerkApi } from "../clerkApi.js";

/** A page of a Clerk list, normalized, with Clerk's count of the list when the answer carries one. */
export type ListedPage<T> = {
  items: T[];
  total?: number;
  /** The heartbeat's users among `items` (by private metadata): listed, never stored. */
  heartbeats?: string[];
};

export type ClientSource<T> = {
  /** The page at `position`: one request. */
  list(api: ClerkApi, position: ListPosition, pageSize: number): Promise<ListedPage<T>>;
  /** Clerk's count of the list, when its pages do not carry it: one request. */
  count?(api: ClerkApi): Promise<number>;
  /** Of the candidates, those Clerk confirms it no longer has. */
  gone?(api: ClerkApi, candidates: ReconcileCandidate[]): Promise<string[]>;
};

/** The offset of an offset-paged position; a list Clerk pages by offset only is never asked for another. */
export function offsetOf(position: ListPosition): number {
  if (position.type !== "offset") throw new Error(`this list is paged by offset, not by ${position.type}`);
  return position.offset;
}

/** Of the candidates, those for which `isGone` says Clerk answers 404: one request each. */
export async function goneOneByOne(
  api: ClerkApi,
  candidates: ReconcileCandidate[],
  isGone: (api: ClerkApi, id: string) => Promise<boolean>,
): Promise<string[]> {
  const gone: string[] = [];
  for (const { id } of candidates) if (await isGone(api, id)) gone.push(id);
  return gone;
}
