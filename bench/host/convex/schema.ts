import { defineSchema } from "convex/server";

/** The host keeps no tables of its own: the users live in the component. */
export default defineSchema({});
