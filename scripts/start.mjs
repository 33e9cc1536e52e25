// `npm start`: build once if there is no production build yet, then serve it on PORT (default 3000;
// `-p <port>` and `-H <host>` as for `next start`).
//
// The server is Next's own request handler behind a node:http server, except for the chat replies.
// POST /api/chat — and the two routes that reach a live reply, POST /api/chat/[id]/stop and
// GET /api/chat/[id]/stream — are answered by the chat worker: a worker thread (scripts/chat-worker.mjs)
// that loads the built route module and runs the same code the Next route handlers run (origin check,
// session, validation, quotas, the gateway stream, persistence; lib/chat/worker-host.ts), with none of
// Next's per-request machinery and none of the async hooks Next's AsyncLocalStorage turns on in this
// thread, on the machine's other core. This thread only parses HTTP, reads the request body and writes
// the worker's frames to the sockets (scripts/chat-worker-client.mjs); bench/RESULTS.md has the numbers.
// If the worker cannot start (CHAT_WORKER=0 turns it off) or stops, POST /api/chat runs in this thread
// on bare node:http (lib/chat/node-chat.ts) and stop / re-attach go to Next, which then holds the replies.
// The chat responses get the headers next.config.mjs gives their paths (from the build's routes manifest).
// Every other request, and these when anything above is missing, goes to Next.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import { matchWorkerRoute, startChatWorker } from "./chat-worker-client.mjs";
import { clientAddress, parseTrustedProxies } from "./client-ip.mjs";
import { refuseLongUrl } from "./request-guard.mjs";

// V8 lets its heap grow to about 4× the live data before a full collection. Under 200 streams (~80 MB live) that
// kept RSS climbing for ~90 s to ~460 MB, with 40–110 ms pauses; 1.5× settles at ~265 MB within ~50 s, collecting
// every ~6 s in 20–30 ms pauses at about the same CPU per reply (bench/RESULTS.md, load). HEAP_GROWING_PERCENT
// sets another factor; 0 leaves V8's own. Set before anything is allocated.
const heapGrowingPercent = Number(process.env.HEAP_GROWING_PERCENT ?? "50");
if (heapGrowingPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${Math.round(heapGrowingPercent)}`);

const dir = process.cwd();
const argv = process.argv.slice(2);
const arg = (flag, fallback) => {
  const i = argv.indexOf(flag);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const port = Number(arg("-p", process.env.PORT ?? "3000"));
const hostname = arg("-H", undefined);
// Who may tell us the client's address in X-Forwarded-For (scripts/client-ip.mjs); checked before building.
const trustedProxies = parseTrustedProxies(process.env.TRUSTED_PROXIES);

if (!existsSync(".next/BUILD_ID") || process.env.REBUILD === "1") {
  console.log("[glm-chat] building the app (first start only; REBUILD=1 forces a rebuild)…");
  const build = spawnSync("node_modules/.bin/next", ["build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// What `next start` does too.
process.env.NODE_ENV = "production";
const { default: next } = await import("next");
const app = next({ dev: false, dir, hostname: hostname ?? "localhost", port });
await app.prepare();
const handle = app.getRequestHandler();

const CHAT_PATH = "/api/chat";
const chat = await loadChatHandler();
const worker = chat && process.env.CHAT_WORKER !== "0" ? await loadChatWorker() : undefined;

const server = http.createServer((req, res) => {
  const refused = refuseLongUrl(req.url);
  if (refused) {
    res.writeHead(refused.status, {
      "content-type": "application/json",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    res.end(refused.body);
    return;
  }
  // The sign-in limit counts per client IP: only the address we can vouch for reaches the app.
  req.headers["x-forwarded-for"] = clientAddress(
    req.socket.remoteAddress,
    req.headers["x-forwarded-for"],
    trustedProxies,
  );
  if (chat && req.method === "POST" && (req.url === CHAT_PATH || req.url?.startsWith(`${CHAT_PATH}?`))) {
    if (worker?.client.alive) worker.client.post(req, res, chat.headers);
    else chat.handler(req, res, chat.headers);
    return;
  }
  if (worker?.client.alive) {
    const match = matchWorkerRoute(req.method, req.url);
    if (match) {
      worker.client.route(req, res, worker.headers[match.route], match);
      return;
    }
  }
  void handle(req, res);
});
server.listen(port, hostname, () => {
  console.log(`[glm-chat] ready on http://${hostname ?? "localhost"}:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    // Open streams would keep close() waiting; a reply left streaming is marked interrupted at the next start.
    setTimeout(() => process.exit(0), 500).unref();
    server.closeIdleConnections?.();
  });
}

/** The headers next.config.mjs gives this path, as the build compiled them; undefined when a rule is conditional. */
function configHeaders(manifest, pathname) {
  const headers = {};
  for (const rule of manifest.headers ?? []) {
    if (!new RegExp(rule.regex).test(pathname)) continue;
    if (rule.has || rule.missing) {
      console.warn(`[glm-chat] ${pathname} goes through Next: header rule ${rule.source} is conditional`);
      return undefined;
    }
    for (const { key, value } of rule.headers) headers[key.toLowerCase()] = value;
  }
  return headers;
}

/** The chat worker's client and the headers of the other routes it answers, or undefined (then this thread serves them). */
async function loadChatWorker() {
  const manifest = JSON.parse(readFileSync(path.join(dir, ".next/routes-manifest.json"), "utf8"));
  const headers = {
    stop: configHeaders(manifest, `${CHAT_PATH}/id/stop`),
    stream: configHeaders(manifest, `${CHAT_PATH}/id/stream`),
  };
  if (!headers.stop || !headers.stream) return undefined;
  // Replies a previous run left streaming are marked interrupted once, here, before the worker starts any.
  try {
    await globalThis[Symbol.for("glm-chat.node-chat-ready")]?.();
  } catch (err) {
    console.warn("[glm-chat] chat replies run in the server's thread: the database did not start:", err);
    return undefined;
  }
  // Sessions are read here, where better-auth already runs, and passed along (lib/chat/node-chat.ts sessionFor).
  const session = globalThis[Symbol.for("glm-chat.node-chat-session")];
  const client = await startChatWorker(
    fileURLToPath(new URL("./chat-worker.mjs", import.meta.url)),
    { dir },
    typeof session === "function" ? { session } : {},
  );
  if (!client) return undefined;
  console.log("[glm-chat] chat replies run in the chat worker thread");
  // An auth change here (sign-out, ban, …) empties the worker's session cache too (lib/auth/session-cache.ts).
  globalThis[Symbol.for("glm-chat.sessions-forgotten")] = () => client.forgetSessions();
  // And so does a change of a user's limits (lib/db/queries/limits.ts).
  globalThis[Symbol.for("glm-chat.limits-forgotten")] = (userId) => client.forgetLimits(userId);
  return { client, headers };
}

/** The route module's node:http handler and the headers for its responses, or undefined (then Next serves it). */
async function loadChatHandler() {
  const require = createRequire(import.meta.url);
  try {
    const route = require(path.join(dir, ".next/server/app/(chat)/api/chat/route.js"));
    // Next loads a route's own code lazily, on its first request: load it now.
    await route.routeModule?.ensureUserland?.();
  } catch (err) {
    console.warn("[glm-chat] POST /api/chat goes through Next: its route module did not load:", err);
    return undefined;
  }
  const handler = globalThis[Symbol.for("glm-chat.node-chat-handler")];
  if (typeof handler !== "function") {
    console.warn("[glm-chat] POST /api/chat goes through Next: the route registered no node handler");
    return undefined;
  }
  const manifest = JSON.parse(readFileSync(path.join(dir, ".next/routes-manifest.json"), "utf8"));
  const headers = configHeaders(manifest, CHAT_PATH);
  return headers ? { handler, headers } : undefined;
}
