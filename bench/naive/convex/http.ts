import { httpRouter } from "convex/server";
import { Webhook } from "svix";
import { internal } from "./_generated/api";
import { httpAction } from "./_generated/server";

type ClerkEvent = { type: string; data: Record<string, any> };

const http = httpRouter();

/** Verify with svix, then one mutation per event; a redelivery is applied again. */
http.route({
  path: "/clerk-users-webhook",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const payload = await request.text();
    try {
      new Webhook(process.env.CLERK_WEBHOOK_SECRET!).verify(payload, {
        "svix-id": request.headers.get("svix-id")!,
        "svix-timestamp": request.headers.get("svix-timestamp")!,
        "svix-signature": request.headers.get("svix-signature")!,
      });
    } catch {
      return new Response("Error occurred", { status: 400 });
    }
    // svix 2.x verifies and returns nothing: parse the verified body.
    const event = JSON.parse(payload) as ClerkEvent;
    switch (event.type) {
      case "user.created":
      case "user.updated":
        await ctx.runMutation(internal.users.upsertFromClerk, { data: event.data });
        break;
      case "user.deleted":
        await ctx.runMutation(internal.users.deleteFromClerk, { clerkUserId: event.data.id });
        break;
      default:
        console.log("Ignored Clerk webhook event", event.type);
    }
    return new Response(null, { status: 200 });
  }),
});

export default http;
