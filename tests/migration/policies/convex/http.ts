import { httpRouter } from "convex/server";
import { registerClerkRoutes } from "convex-clerk-sync/http";
import { accounts, members } from "./mirrors";

const http = httpRouter();
registerClerkRoutes(http, members, { path: "/members" });
registerClerkRoutes(http, accounts, { path: "/accounts" });

export default http;
