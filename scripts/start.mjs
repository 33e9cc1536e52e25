// `npm start`: build once if there is no production build yet, then serve it on PORT (default 3000;
// `-p <port>` and `-H <host>` as for `next start`).
//
// The server is Next's own request handler behind a node:http server, with one exception: the hot
// streaming route, POST /api/chat, is answered by lib/chat/node-chat.ts — the same code the Next route
// handler runs (origin check, session, validation, quotas, persistence), minus Next's per-request
// machinery, which cost more CPU than the whole reply relay at 200 concurrent streams (bench/RESULTS.md).
// That handler lives in the built route module (.next/server/app/(chat)/api/chat/route.js), which
// registers it on globalThis when loaded; it gets the headers next.config.mjs gives /api/chat (from the
// build's routes manifest). Every other request, and this one when anything above is missing, goes to Next.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import v8 from "node:v8";
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
    chat.handler(req, res, chat.headers);
    return;
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
  // The headers next.config.mjs gives this path, as the build compiled them.
  const manifest = JSON.parse(readFileSync(path.join(dir, ".next/routes-manifest.json"), "utf8"));
  const headers = {};
  for (const rule of manifest.headers ?? []) {
    if (!new RegExp(rule.regex).test(CHAT_PATH)) continue;
    if (rule.has || rule.missing) {
      console.warn(`[glm-chat] POST /api/chat goes through Next: header rule ${rule.source} is conditional`);
      return undefined;
    }
    for (const { key, value } of rule.headers) headers[key.toLowerCase()] = value;
  }
  return { handler, headers };
}
