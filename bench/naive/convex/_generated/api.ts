/** Bench-only stand-in for `npx convex codegen` output (see ./server.ts). */
import { anyApi } from "convex/server";

export const api = anyApi;
export const internal = anyApi;
