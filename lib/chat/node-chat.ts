import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@/lib/errors";
import { chatPostError, startChatReply } from "./chat-post";
import { UI_STREAM_HEADERS } from "./ui-stream";

// POST /api/chat on bare node:http: the same startChatReply as the Next route handler (origin check,
// session, zod, limits, quota, the stored turn, persistence), without Next's per-request machinery
// (routing, proxy.ts, web Request/Response conversion, its response pipeline). Frames go from the
// generation straight to the socket. scripts/start.mjs sends POST /api/chat here, with the headers
// next.config.mjs gives /api/chat; everything else still goes to Next. The Next route imports this
// module, so loading the route registers the handler on globalThis (both share the one process).

export type NodeChatHandler = (req: IncomingMessage, res: ServerResponse, headers: Record<string, string>) => void;

/** Where scripts/start.mjs finds the handler once the route module is loaded. */
export const NODE_CHAT_HANDLER = Symbol.for("glm-chat.node-chat-handler");

const formatBytes = (bytes: number) =>
  bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.round(bytes / 1000)} KB`;

/** Reads a JSON body without ever holding more than `limit` bytes of it (the same errors as lib/http's readJsonBody). */
export async function readNodeJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () => new AppError("body_too_large", { limit: formatBytes(limit) });
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).byteLength;
    if (total > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  if (total === 0) throw new AppError("invalid_body", { detail: "empty body" });
  try {
    return JSON.parse(Buffer.concat(chunks, total).toString("utf8"));
  } catch {
    throw new AppError("invalid_body", { detail: "not valid JSON" });
  }
}

/** The request's headers as a bodiless web Request: all the origin check and the session lookup read. */
function headersOnly(req: IncomingMessage): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return new Request(`http://localhost${req.url ?? "/"}`, { method: "POST", headers });
}

export async function handleChatPost(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  let generation;
  try {
    generation = await startChatReply({ request: headersOnly(req), readJson: (limit) => readNodeJson(req, limit) });
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

(globalThis as typeof globalThis & { [NODE_CHAT_HANDLER]?: NodeChatHandler })[NODE_CHAT_HANDLER] = handler;
