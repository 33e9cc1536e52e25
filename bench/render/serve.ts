// Loopback HTTP front doors for the three variants, all forwarding to the one real app:
// - the app itself ("ours") behind a transparent reverse proxy;
// - the comparison pages: static files from bench/.out, with /api/* forwarded to the app.
// Both record, on this process's clock, when each chunk of a /api/chat response is written to the browser, so
// "bytes arriving" is measured where the bytes are, not where a busy main thread gets round to reading them.
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";

export interface ChatTrace {
  startAt: number;
  /** Epoch ms (performance.timeOrigin + performance.now()) at which each body chunk was written. */
  chunks: Array<{ t: number; bytes: number; text: boolean }>;
  endAt: number | null;
}

export interface FrontDoor {
  url: string;
  close(): Promise<void>;
  traces: ChatTrace[];
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
};

export const epochNow = () => performance.timeOrigin + performance.now();

function forward(req: IncomingMessage, res: ServerResponse, app: URL, traces: ChatTrace[]): void {
  const headers = { ...req.headers, host: app.host };
  // The app refuses cross-origin posts; from its point of view the page is its own.
  if (headers.origin) headers.origin = app.origin;
  if (headers.referer) headers.referer = app.origin + "/";
  const upstream = request({ host: app.hostname, port: app.port, method: req.method, path: req.url, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    res.flushHeaders();
    const isChat = req.method === "POST" && (req.url ?? "").split("?")[0] === "/api/chat";
    if (!isChat) {
      up.pipe(res);
      return;
    }
    const trace: ChatTrace = { startAt: epochNow(), chunks: [], endAt: null };
    traces.push(trace);
    up.on("data", (chunk: Buffer) => {
      res.write(chunk);
      trace.chunks.push({ t: epochNow(), bytes: chunk.length, text: chunk.includes('"text-delta"') });
    });
    up.on("end", () => {
      trace.endAt = epochNow();
      res.end();
    });
  });
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/** Everything goes to the app. */
export async function appProxy(appUrl: string): Promise<FrontDoor> {
  const app = new URL(appUrl);
  const traces: ChatTrace[] = [];
  const server = createServer((req, res) => forward(req, res, app, traces));
  server.requestTimeout = 0;
  return { url: await listen(server), close: closer(server), traces };
}

/** Static files from `root`, /api/* to the app. */
export async function pagesServer(root: string, appUrl: string): Promise<FrontDoor> {
  const app = new URL(appUrl);
  const traces: ChatTrace[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path.startsWith("/api/")) return forward(req, res, app, traces);
    const file = normalize(join(root, decodeURIComponent(path.endsWith("/") ? `${path}index.html` : path)));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  server.requestTimeout = 0;
  return { url: await listen(server), close: closer(server), traces };
}
