/**
 * Bench-only stand-in for `npx convex codegen` output: this host is never deployed,
 * but convex-test finds an app's root by its `_generated` folder, and `components`
 * must name the mounted component as codegen would.
 */
import { componentsGeneric } from "convex/server";
import type { ComponentApi } from "convex-clerk-sync/_generated/component.js";

export const components = componentsGeneric() as unknown as { clerk: ComponentApi<"clerk"> };
