/// <reference types="vite/client" />
// The migration example as one Convex deployment that the test pushes new code to: the
// tutorial's app (./before/convex) first, then the app that adopted the package
// (./after/convex). Each module path answers the module of the current push, or fails as
// a function that no longer exists does; the data and every document `_id` stay, as on a
// real deployment. The schema is the after one: the before app's documents satisfy it too,
// since its new field is optional.
import { makeFunctionReference } from "convex/server";
import clerkTest, { signDelivery } from "convex-clerk-sync/test";
import { convexTest } from "../support/convexRules";
import schema from "./after/convex/schema";

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/** The tutorial's path, which the package's route also takes by default. */
export const WEBHOOK_PATH = "/clerk-users-webhook";

const pushes = {
  before: import.meta.glob("./before/convex/**/*.*s"),
  after: import.meta.glob("./after/convex/**/*.*s"),
};
export type Push = keyof typeof pushes;

/** The deployment, its component registered, running the tutorial's code. */
export function initMigrationApp() {
  let current: Push = "before";
  const rootOf = (push: Push) => `./${push}/convex/`;
  const modulePaths = new Set(
    (Object.keys(pushes) as Push[]).flatMap((push) =>
      Object.keys(pushes[push]).map((key) => key.slice(rootOf(push).length)),
    ),
  );
  const modules = Object.fromEntries(
    [...modulePaths].map((path) => [
      `${rootOf("after")}${path}`,
      () => {
        const load = pushes[current][`${rootOf(current)}${path}`];
        if (!load) throw new Error(`no module ${path} in the ${current} push`);
        return load();
      },
    ]),
  );
  process.env.CLERK_WEBHOOK_SECRET = SECRET;
  const t = convexTest(schema, modules);
  clerkTest.register(t);
  return {
    t,
    /** Replace every function at once, as `npx convex deploy` does. */
    push: (next: Push) => void (current = next),
  };
}

export type MigrationApp = ReturnType<typeof initMigrationApp>["t"];

/** POST a Clerk payload to the webhook URL, signed as Svix does; `id` is the svix-id a redelivery keeps. */
export async function deliver(t: MigrationApp, payload: unknown, id?: string) {
  const signed = signDelivery(payload, SECRET, id === undefined ? {} : { id });
  const response = await t.fetch(WEBHOOK_PATH, { method: "POST", body: signed.body, headers: signed.headers });
  const text = await response.text();
  // The tutorial's route answers with no body, the package's with JSON.
  return {
    status: response.status,
    svixId: signed.headers["svix-id"],
    body: text ? (JSON.parse(text) as unknown) : null,
  };
}

/** A function by its path, for one that only some pushes have. */
export const functionAt = (path: string) => makeFunctionReference<"mutation">(path);
