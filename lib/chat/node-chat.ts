import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { POST as stopRoute } from "@/app/(chat)/api/chat/[id]/stop/route";
import { GET as streamRoute } from "@/app/(chat)/api/chat/[id]/stream/route";
import { getAuth, requireUser, vouchSession, type SessionUser } from "@/lib/auth";
import { forgetSessions } from "@/lib/auth/session-cache";
import { ensureDatabase } from "@/lib/db";
import { forgetUserLimits } from "@/lib/db/queries/limits";
import { AppError } from "@/lib/errors";
import { serverEnv } from "@/lib/env";
import { chatPostError, startChatReply } from "./chat-post";
import { headersFromRaw, readNodeJson, requestFromRawHeaders } from "./node-request";
import { UI_STREAM_HEADERS } from "./ui-stream";
import { serveChatWorker, type WorkerPort } from "./worker-host";

// POST /api/chat on bare node:http: the same startChatReply as the Next route handler (origin check,
// session, zod, limits, quota, the stored turn, persistence), without Next's per-request machinery
// (routing, proxy.ts, web Request/Response conversion, its response pipeline). The Next route imports
// this module, so loading the built route module registers two entry points on globalThis for
// scripts/start.mjs:
//   - the chat worker's (NODE_CHAT_WORKER): scripts/chat-worker.mjs loads the route module in a worker
//     thread and serves POST /api/chat, POST /api/chat/[id]/stop and GET /api/chat/[id]/stream there
//     (lib/chat/worker-host.ts), so that every live reply and its registry live in that thread;
//   - the in-process handler (NODE_CHAT_HANDLER), used when the worker cannot start or has died: frames go from
//     the generation straight to the socket, and stop / re-attach stay with Next in the same process.

export type NodeChatHandler = (req: IncomingMessage, res: ServerResponse, headers: Record<string, string>) => void;

/** Where scripts/start.mjs finds the in-process handler once the route module is loaded. */
export const NODE_CHAT_HANDLER = Symbol.for("glm-chat.node-chat-handler");
/** Where scripts/chat-worker.mjs finds the worker's entry point once the route module is loaded. */
export const NODE_CHAT_WORKER = Symbol.for("glm-chat.node-chat-worker");
/** Where scripts/start.mjs finds the session lookup it does for the chat worker's requests. */
export const NODE_CHAT_SESSION = Symbol.for("glm-chat.node-chat-session");
/** Where scripts/start.mjs finds the database start (recovery of replies a previous run left streaming). */
export const NODE_CHAT_READY = Symbol.for("glm-chat.node-chat-ready");

export async function handleChatPost(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  let generation;
  try {
    generation = await startChatReply({
      request: requestFromRawHeaders("POST", req.url ?? "/", req.rawHeaders),
      readJson: (limit) => readNodeJson(req, limit),
    });
  } catch (err) {
    const error = chatPostError(err);
    const body = JSON.stringify({ error: error.toPayload() });
    if (res.headersSent || res.destroyed) return;
    // A body left unread (refused before reading it) must not be taken for the next request.
    const unread = !req.readableEnded;
    res.writeHead(error.status, {
      ...headers,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      ...(unread ? { connection: "close" } : {}),
    });
    res.end(body);
    return;
  }
  if (res.destroyed) return; // the client left during setup; the reply goes on (re-attach with GET …/stream)
  res.writeHead(200, { ...headers, ...UI_STREAM_HEADERS });
  // Closing the connection only detaches this listener; the generation belongs to the server.
  const unsubscribe = generation.subscribe((frame) => {
    if (frame === null) res.end();
    else res.write(frame);
  });
  res.on("close", unsubscribe);
}

const handler: NodeChatHandler = (req, res, headers) => {
  handleChatPost(req, res, headers).catch((err: unknown) => {
    console.error("[api/chat]", err);
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  });
};

/**
 * The worker's start: the database (already migrated and swept by the server's thread, which calls
 * NODE_CHAT_READY first) and the auth instance, then the routes on `port`.
 */
async function serveWorker(port: WorkerPort): Promise<void> {
  const db = await ensureDatabase();
  await getAuth();
  serveChatWorker(
    port,
    {
      post: startChatReply,
      vouch: vouchSession,
      stop: stopRoute,
      stream: streamRoute,
      forgetSessions,
      forgetLimits: (userId) => forgetUserLimits(db, userId),
    },
    { bodyLimit: serverEnv().CHAT_MAX_BODY_BYTES },
  );
}

/**
 * The session of a request the chat worker will answer, read in the server's thread (where better-auth and its
 * AsyncLocalStorage already run for every other route), from these raw headers: the user, null for none, or
 * undefined when the lookup failed (the worker then tries itself and answers with the error).
 */
async function sessionFor(rawHeaders: readonly string[]): Promise<SessionUser | null | undefined> {
  try {
    return await requireUser(headersFromRaw(rawHeaders));
  } catch (err) {
    if (err instanceof AppError && err.code === "unauthorized") return null;
    return undefined;
  }
}

const g = globalThis as typeof globalThis & {
  [NODE_CHAT_HANDLER]?: NodeChatHandler;
  [NODE_CHAT_WORKER]?: typeof serveWorker;
  [NODE_CHAT_READY]?: () => Promise<void>;
  [NODE_CHAT_SESSION]?: typeof sessionFor;
};
g[NODE_CHAT_SESSION] = sessionFor;
g[NODE_CHAT_HANDLER] = handler;
g[NODE_CHAT_WORKER] = serveWorker;
g[NODE_CHAT_READY] = async () => {
  await ensureDatabase();
};
