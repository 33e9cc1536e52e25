import "server-only";
import type { SessionUser } from "@/lib/auth";
import { toAppError } from "@/lib/errors";
import type { ChatPostRequest } from "./chat-post";
import { chatPostError } from "./chat-post";
import type { Generation } from "./generation";
import { bodyTooLarge } from "@/lib/http";
import { parseJsonBytes, requestFromRawHeaders } from "./node-request";
import { UI_STREAM_HEADERS } from "./ui-stream";

// The chat worker's side of `npm start`'s chat routes. scripts/start.mjs runs the replies in a worker thread
// (scripts/chat-worker.mjs): its own V8 isolate, free of the async hooks Next's AsyncLocalStorage turns on for the
// whole server process, on the machine's other core. The server's thread parses HTTP, reads the request's session
// (better-auth runs there anyway; here its AsyncLocalStorage would turn those hooks on too) and writes bytes to
// sockets (scripts/chat-worker-client.mjs); everything else of POST /api/chat — origin check, validation, quota,
// the stored turn, the gateway call, the UI message stream, the database writes, the title — runs here, and so do the two
// routes that reach a live reply in this thread's generation registry: POST /api/chat/[id]/stop and
// GET /api/chat/[id]/stream. Messages (structured clones over the worker's port):
//
//   server → worker   { t: "post", id, url, headers, session, body, tooLarge }   a POST /api/chat, body read
//                     { t: "route", id, route, method, url, headers, session, chatId }   stop or stream
//                     { t: "detach", id }             the client went away: stop sending (the reply goes on)
//                     { t: "forget-sessions" }        an auth change in the server's thread
//                     { t: "forget-limits", userId }  an admin changed this user's limits there
//   worker → server   { t: "ready", bodyLimit } once, then batches: { t: "batch", heads, frames }
//
// A batch carries everything produced in one turn of this thread's event loop, so that 200 streams cost a few
// hundred messages a second rather than one per frame. `heads` open (or, with a body, complete) responses and
// come before `frames`: [id, frame, id, frame, …], where a frame is a string or bytes and null ends the response.

/** The main thread's messages to the worker. */
export type ToWorker =
  | { t: "post"; id: number; url: string; headers: string[]; session?: Session; body: Uint8Array; tooLarge: boolean }
  | {
      t: "route";
      id: number;
      route: WorkerRoute;
      method: string;
      url: string;
      headers: string[];
      session?: Session;
      chatId: string;
    }
  | { t: "detach"; id: number }
  | { t: "forget-sessions" }
  | { t: "forget-limits"; userId: string };

export type WorkerRoute = "stop" | "stream";

/**
 * The request's session as the server's thread read it (requireUser there, with its cache): the user, or null for
 * none. Absent when that lookup failed (the worker then reads the session itself).
 */
export type Session = SessionUser | null;

/** A response's status and headers; with `body`, the whole response. */
export interface HeadOp {
  id: number;
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export type Frame = string | Uint8Array | null;

export type FromWorker =
  { t: "ready"; bodyLimit: number } | { t: "batch"; heads: HeadOp[]; frames: (number | Frame)[] };

/** Collects heads and frames and sends them as one batch per turn of the event loop. */
export class FrameBatcher {
  private heads: HeadOp[] = [];
  private frames: (number | Frame)[] = [];
  private scheduled = false;

  constructor(
    private readonly send: (batch: Extract<FromWorker, { t: "batch" }>) => void,
    private readonly schedule: (flush: () => void) => void = (flush) => setImmediate(flush),
  ) {}

  head(op: HeadOp): void {
    this.heads.push(op);
    this.arm();
  }

  frame(id: number, frame: Frame): void {
    this.frames.push(id, frame);
    this.arm();
  }

  flush(): void {
    this.scheduled = false;
    if (this.heads.length === 0 && this.frames.length === 0) return;
    const batch = { t: "batch" as const, heads: this.heads, frames: this.frames };
    this.heads = [];
    this.frames = [];
    this.send(batch);
  }

  private arm(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }
}

type RouteHandler = (request: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;

/** What the worker serves: the route modules' own code (lib/chat/chat-post.ts and the [id] routes' handlers). */
export interface ChatWorkerRoutes {
  post(input: ChatPostRequest): Promise<Generation>;
  /** Makes requireUser answer this request with the session the server's thread read (lib/auth vouchSession). */
  vouch(request: Request, session: Session): void;
  stop: RouteHandler;
  stream: RouteHandler;
  forgetSessions(): void;
  forgetLimits(userId: string): void;
}

/** The worker's port (node:worker_threads' parentPort or a MessagePort). */
export interface WorkerPort {
  on(event: "message", listener: (message: ToWorker) => void): unknown;
  postMessage(message: FromWorker): void;
}

/** Serves the chat routes on this port; answers `ready` at once. */
export function serveChatWorker(
  port: WorkerPort,
  routes: ChatWorkerRoutes,
  options: { bodyLimit: number; schedule?: (flush: () => void) => void },
): void {
  const out = new FrameBatcher((batch) => port.postMessage(batch), options.schedule);
  /** Responses the server's thread still wants, with how to stop feeding each (set once it streams). */
  const open = new Map<number, (() => void) | undefined>();

  const fail = (id: number, err: unknown, asChat: boolean) => {
    const error = asChat ? chatPostError(err) : toAppError(err);
    if (!open.delete(id)) return;
    out.head({
      id,
      status: error.status,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ error: error.toPayload() }),
    });
  };

  const post = async (message: Extract<ToWorker, { t: "post" }>) => {
    const { id } = message;
    let generation: Generation;
    try {
      const request = requestFromRawHeaders("POST", message.url, message.headers);
      if (message.session !== undefined) routes.vouch(request, message.session);
      generation = await routes.post({
        request,
        readJson: async (limit) => {
          if (message.tooLarge || message.body.byteLength > limit) throw bodyTooLarge(limit);
          return parseJsonBytes(message.body);
        },
      });
    } catch (err) {
      fail(id, err, true);
      return;
    }
    // The client left during setup: the reply goes on without it (re-attach with GET …/stream).
    if (!open.has(id)) return;
    out.head({ id, status: 200, headers: { ...UI_STREAM_HEADERS } });
    const unsubscribe = generation.subscribe((frame) => {
      if (frame === null) open.delete(id);
      out.frame(id, frame);
    });
    if (open.has(id)) open.set(id, unsubscribe);
  };

  const route = async (message: Extract<ToWorker, { t: "route" }>) => {
    const { id } = message;
    let response: Response;
    try {
      const handler = message.route === "stop" ? routes.stop : routes.stream;
      const request = requestFromRawHeaders(message.method, message.url, message.headers);
      if (message.session !== undefined) routes.vouch(request, message.session);
      response = await handler(request, {
        params: Promise.resolve({ id: message.chatId }),
      });
    } catch (err) {
      fail(id, err, false);
      return;
    }
    if (!open.has(id)) {
      await response.body?.cancel().catch(() => {});
      return;
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    if (!response.body) {
      open.delete(id);
      out.head({ id, status: response.status, headers, body: "" });
      return;
    }
    out.head({ id, status: response.status, headers });
    const reader = response.body.getReader();
    open.set(id, () => void reader.cancel().catch(() => {}));
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (open.has(id)) out.frame(id, value as Uint8Array);
      }
    } catch (err) {
      console.error("[api/chat] worker response failed", err);
    }
    if (open.delete(id)) out.frame(id, null);
  };

  port.on("message", (message) => {
    switch (message.t) {
      case "post":
        open.set(message.id, undefined);
        post(message).catch((err: unknown) => fail(message.id, err, true));
        break;
      case "route":
        open.set(message.id, undefined);
        route(message).catch((err: unknown) => fail(message.id, err, false));
        break;
      case "detach": {
        const stopFeeding = open.get(message.id);
        open.delete(message.id);
        stopFeeding?.();
        break;
      }
      case "forget-sessions":
        routes.forgetSessions();
        break;
      case "forget-limits":
        routes.forgetLimits(message.userId);
        break;
      default:
        console.error("[api/chat] unknown message to the chat worker", (message as { t?: unknown }).t);
    }
  });
  port.postMessage({ t: "ready", bodyLimit: options.bodyLimit });
}
