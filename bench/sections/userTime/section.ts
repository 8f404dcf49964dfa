import { kb, num } from "../../lib/format.js";
import { LARGEST_USER_COUNTS, largestMetadata, METADATA_CAP_BYTES, type MetadataShape } from "../../lib/payloads.js";
import { checkUserClock } from "../../lib/userTimeCheck.js";
import type { Section } from "../section.js";
import { LIMIT_MS, METHOD, report, summarize, type Row } from "./report.js";
import {
  backfillPages,
  DELIVERIES,
  largestDeliveries,
  largestUser,
  MEMBERS,
  membershipCascade,
  PAGE_SIZE,
  typicalUser,
} from "./scenarios.js";

/** Full pages timed per pass: of ~3 KB users, and of the largest users (whose pages are slow in the mock). */
const TYPICAL_PAGES = 3;
const LARGEST_PAGES = 1;
const SHAPES: MetadataShape[] = ["wide", "deep"];

export const userTimeSection: Section = {
  key: "userTime",
  title: "6. User-code time of the heaviest mutations, against Convex's 1 s",
  deterministic: false,
  timings: ["rows"],
  async run() {
    await checkUserClock();
    const { rows: deliveries, bodyBytes } = await deliveryRows();
    const pages = await pageRows();
    const batches = await membershipCascade();
    const batchSize = Math.max(...batches.map((batch) => batch.nestedCalls));
    const cascadeBatch = summarize(`cascade batch, org of ${num(MEMBERS)} members`, batches, batchSize);
    const rows = { ...deliveries, ...pages, cascadeBatch };
    return {
      lines: report(Object.values(rows), notes(batchSize, batches.length, cascadeBatch)),
      json: {
        limitMs: LIMIT_MS,
        method: METHOD.join(" "),
        largestUser: { metadataBytesEach: METADATA_CAP_BYTES, ...LARGEST_USER_COUNTS, bodyBytes },
        cascade: { members: MEMBERS, batchSize, batches: batches.length },
        rows,
      },
    };
  },
};

async function deliveryRows() {
  const rows: Record<string, Row> = {};
  const bodyBytes: Record<string, number> = {};
  for (const shape of SHAPES) {
    const deliveries = await largestDeliveries(shape);
    bodyBytes[shape] = deliveries.bodyBytes;
    const size = `${kb(deliveries.bodyBytes)} KB`;
    rows[`deliveryCreated_${shape}`] = summarize(`largest user.created, ${shape} (${size})`, deliveries.created);
    rows[`deliveryUpdated_${shape}`] = summarize(`largest user.updated, ${shape} (${size})`, deliveries.updated);
  }
  return { rows, bodyBytes };
}

async function pageRows() {
  const rows: Record<string, Row> = {};
  const pages = [
    { key: "typical", label: "~3 KB users", user: typicalUser, count: TYPICAL_PAGES },
    ...SHAPES.map((shape) => ({
      key: `largest_${shape}`,
      label: `largest, ${shape}`,
      user: largestUser(shape),
      count: LARGEST_PAGES,
    })),
  ];
  for (const { key, label, user, count } of pages) {
    const { inserted, updated } = await backfillPages(user, count);
    rows[`pageInserted_${key}`] = summarize(`page of ${PAGE_SIZE} ${label}, inserted`, inserted, PAGE_SIZE);
    rows[`pageUpdated_${key}`] = summarize(`page of ${PAGE_SIZE} ${label}, updated`, updated, PAGE_SIZE);
  }
  return rows;
}

function notes(batchSize: number, batches: number, cascade: Row): string[] {
  const { emailAddresses, phoneNumbers, externalAccounts, web3Wallets } = LARGEST_USER_COUNTS;
  const wideKeys = Object.keys(largestMetadata("wide")).length;
  return [
    `Largest user: ${num(METADATA_CAP_BYTES)} bytes of JSON in each metadata object (Clerk's cap), wide (${wideKeys} keys with`,
    "  non-ASCII characters) or deep (an array nested as deep as the cap allows), and",
    `  ${emailAddresses} email addresses, ${phoneNumbers} phone numbers, ${externalAccounts} external accounts, ${web3Wallets} wallets; ${DELIVERIES} deliveries of each`,
    "  event after one untimed. The webhook's action normalizes the user: the mutation gets the stored fields.",
    "Pages: full backfill passes with hooks (tests/support/recordingHooks.ts: one row written per",
    "  change) into an empty table, then after every user changed in Clerk.",
    `Cascade: deleting the organization removes its memberships in batches of ${num(batchSize)} (observed,`,
    `  ${batches} batches); a batch of ${num(MEMBERS)} would take about ${num(cascade.perItemMs! * MEMBERS)} ms.`,
  ];
}
