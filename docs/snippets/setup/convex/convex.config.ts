import { defineApp } from "convex/server";
import clerk from "convex-clerk-sync/convex.config";

const app = defineApp();
app.use(clerk);

export default app;
