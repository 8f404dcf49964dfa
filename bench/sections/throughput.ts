import { userDeleted } from "../../src/events/payloads.js";
import { signDelivery, type SignedDelivery } from "../../src/events/sign.js";
import { SECRET } from "../../tests/support/app.js";
import { createApp, type AppName } from "../lib/apps.js";
import { num, table } from "../lib/format.js";
import { clerkEvent, typicalClerkUser } from "../lib/payloads.js";
import { median, timed } from "../lib/stats.js";
import type { Section } from "./section.js";

/**
 * Existing users during the run. convex-test's indexes are sorted table scans, so at
 * larger tables wall time measures the mock rather than either app: section 1 is
 * where growth is measured.
 */
const EXISTING_USERS = 1_000;
const DELIVERIES = 200;
const WARMUP = 20;
const RUNS = 5;

export const throughputSection: Section = {
  key: "endToEnd",
  title: "2. End-to-end deliveries per second through t.fetch",
  deterministic: false,
  timings: ["ours", "naive", "ratio"],
  async run() {
    const samples: Record<AppName, number[]> = { ours: [], naive: [] };
    for (let run = 0; run < RUNS; run++) {
      // Alternate which app goes first, so neither always runs on a warmer process.
      const order: AppName[] = run % 2 ? ["naive", "ours"] : ["ours", "naive"];
      for (const name of order) samples[name].push(await deliveriesPerSecond(name));
    }
    const ours = median(samples.ours);
    const naive = median(samples.naive);
    const ratio = ours / naive;
    return {
      lines: [
        `Median of ${RUNS} runs of ${DELIVERIES} deliveries each (after ${WARMUP} untimed), one at a time, at`,
        `${num(EXISTING_USERS)} existing users. Each delivery: Svix signature check, the mutation, the response.`,
        "Mix, repeated: user.created, user.updated, its redelivery, user.deleted (~3 KB payloads).",
        "In convex-test (an in-memory mock): compare the two, not with a deployment.",
        "",
        ...table(
          [
            ["app", "deliveries/s", "ms/delivery", "runs (deliveries/s)"],
            ["ours", num(ours), num(1000 / ours, 2), samples.ours.map((value) => num(value)).join(", ")],
            ["naive", num(naive), num(1000 / naive, 2), samples.naive.map((value) => num(value)).join(", ")],
          ],
          [1, 2],
        ),
        "",
        `ours / naive: ${num(ratio, 2)}×`,
      ],
      json: {
        existingUsers: EXISTING_USERS,
        deliveriesPerRun: DELIVERIES,
        runs: RUNS,
        ours: { deliveriesPerSecond: ours, samples: samples.ours },
        naive: { deliveriesPerSecond: naive, samples: samples.naive },
        ratio,
      },
    };
  },
};

async function deliveriesPerSecond(name: AppName): Promise<number> {
  const app = createApp(name, { counted: false });
  await app.seed(EXISTING_USERS, () => typicalClerkUser({ updated_at: Date.now() - 86_400_000 }));
  // Signed up front: signing is the sender's work, not the receiver's.
  const deliveries = mix(WARMUP + DELIVERIES);
  const send = async (delivery: SignedDelivery) => {
    const { status } = await app.deliver(delivery);
    if (status !== 200) throw new Error(`${name}: delivery answered ${status}`);
  };
  for (const delivery of deliveries.slice(0, WARMUP)) await send(delivery);
  const ms = await timed(async () => {
    for (const delivery of deliveries.slice(WARMUP)) await send(delivery);
  });
  await app.settle();
  return (DELIVERIES * 1000) / ms;
}

/** `count` deliveries: a new user created, updated, the update redelivered, deleted. */
function mix(count: number): SignedDelivery[] {
  const deliveries: SignedDelivery[] = [];
  while (deliveries.length < count) {
    const user = typicalClerkUser();
    const update = signDelivery(
      clerkEvent("user.updated", { ...user, first_name: "Grace", updated_at: (user.updated_at as number) + 1000 }),
      SECRET,
    );
    deliveries.push(
      signDelivery(clerkEvent("user.created", user), SECRET),
      update,
      update,
      signDelivery(userDeleted(user.id), SECRET),
    );
  }
  return deliveries.slice(0, count);
}
