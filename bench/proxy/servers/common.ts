// Shared by the candidate servers: listen on a free loopback port and tell the bench which one.
import http from "node:http";
import type { AddressInfo } from "node:net";

export function serve(handler: http.RequestListener): void {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, handler);
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ type: "ready", port });
    if (!process.send) console.log(`listening on http://127.0.0.1:${port}`);
  });
  process.on("disconnect", () => process.exit(0));
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Writes a web Response to a node response with one reader loop, the way a framework adapter does. */
export async function sendResponse(res: http.ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
  } catch {
    // client went away
  }
  res.end();
}

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
}
