// A Backend API that answers every request as the test scripts it: an answer about another
// object, or an error quoting the key. It records each request's method and path as sent.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type ScriptedAnswer = { status: number; body: unknown };

export type ScriptedClerk = {
  url: string;
  requests: { method: string; path: string }[];
  /** What the next requests are answered (every one, until set again). */
  answer(next: (method: string, path: string) => ScriptedAnswer): void;
  close(): Promise<void>;
};

export async function startScriptedClerk(): Promise<ScriptedClerk> {
  const requests: ScriptedClerk["requests"] = [];
  let next: (method: string, path: string) => ScriptedAnswer = () => ({ status: 500, body: { errors: [] } });
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "" });
    req.resume();
    req.on("end", () => {
      const { status, body } = next(req.method ?? "", req.url ?? "");
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer(script) {
      next = script;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
