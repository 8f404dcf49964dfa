// The CLI run in-process against a stand-in endpoint that checks signatures as the component does.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "svix";
import { afterEach, beforeEach } from "vitest";
import { run, type Io } from "../../src/cli/run";
import { WEBHOOK_SECRET_ENVS } from "../../src/client/signingSecrets";

export const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

type Received = { path: string | undefined; headers: IncomingHttpHeaders; body: string; payload: any };
type Reply = { status: number; body: unknown };

export class Endpoint {
  received: Received[] = [];
  reply: (payload: any, index: number) => Reply = () => ({ status: 200, body: { outcome: "inserted" } });
  private server: Server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      let answer: Reply;
      try {
        new Webhook(SECRET).verify(body, request.headers as Record<string, string>);
        const payload = JSON.parse(body);
        this.received.push({ path: request.url, headers: request.headers, body, payload });
        answer = this.reply(payload, this.received.length - 1);
      } catch (error) {
        answer = { status: 401, body: { error: `invalid webhook signature: ${(error as Error).message}` } };
      }
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(JSON.stringify(answer.body));
    });
  });

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this;
  }
  get origin() {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  get url() {
    return `${this.origin}/clerk-users-webhook`;
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Runs the CLI in-process, capturing what it prints. */
export async function cli(args: string[], { isTTY = false } = {}) {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
    isTTY,
  };
  const code = await run(args, io);
  return { code, stdout, stderr, lines: stdout.split("\n").filter(Boolean) };
}

/** A fresh endpoint per test, with the signing-secret variables cleared around it; call it for the endpoint. */
export function useEndpoint(): () => Endpoint {
  let endpoint: Endpoint | undefined;
  beforeEach(async () => {
    for (const name of WEBHOOK_SECRET_ENVS) delete process.env[name];
    endpoint = await new Endpoint().start();
  });
  afterEach(async () => {
    for (const name of WEBHOOK_SECRET_ENVS) delete process.env[name];
    await endpoint?.stop();
  });
  return () => endpoint!;
}
