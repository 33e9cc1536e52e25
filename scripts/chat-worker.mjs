// The chat worker of `npm start` (scripts/start.mjs starts it in a worker thread): loads the built
// /api/chat route module, as the server's thread does, and serves the chat routes that hold live
// replies on the port to the server's thread (lib/chat/worker-host.ts). Its own V8 isolate runs none
// of Next's request handling, so none of the async hooks Next's AsyncLocalStorage enables in the
// server's thread, and it runs on another core.
import { createRequire } from "node:module";
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";

const require = createRequire(import.meta.url);
const route = require(path.join(workerData.dir, ".next/server/app/(chat)/api/chat/route.js"));
// Next loads a route's own code lazily, on its first request: load it now.
await route.routeModule?.ensureUserland?.();
const serve = globalThis[Symbol.for("glm-chat.node-chat-worker")];
if (typeof serve !== "function") throw new Error("the /api/chat route module registered no chat worker");
await serve(parentPort);
