/**
 * Bench-only stand-in for `npx convex codegen` output: the naive app is never
 * deployed, but convex-test finds an app's root by its `_generated` folder, and the
 * builders below give its functions a typed `ctx.db`.
 */
import {
  httpActionGeneric,
  internalMutationGeneric,
  type DataModelFromSchemaDefinition,
  type GenericMutationCtx,
  type MutationBuilder,
} from "convex/server";
import type schema from "../schema";

export type DataModel = DataModelFromSchemaDefinition<typeof schema>;
export type MutationCtx = GenericMutationCtx<DataModel>;

export const internalMutation: MutationBuilder<DataModel, "internal"> = internalMutationGeneric;
export const httpAction = httpActionGeneric;
