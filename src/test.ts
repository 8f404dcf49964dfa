/// <reference types="vite/client" />
import type { TestConvex } from "convex-test";
import type { GenericSchema, SchemaDefinition } from "convex/server";
import schema from "./component/schema.js";

export { signDelivery, type SignedDelivery } from "./testing/sign.js";
export {
  clerkUser,
  newUserId,
  userCreated,
  userDeleted,
  userUpdated,
  type ClerkWebhookPayload,
  type UserOverrides,
} from "./testing/payloads.js";

const modules = import.meta.glob("./component/**/*.ts");

/**
 * Register the component with a host's `convexTest` instance.
 * @param name - the name given in `app.use` (default "clerk").
 */
export function register(t: TestConvex<SchemaDefinition<GenericSchema, boolean>>, name = "clerk") {
  t.registerComponent(name, schema, modules);
}

export default { register, schema, modules };
