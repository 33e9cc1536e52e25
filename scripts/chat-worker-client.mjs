// The server thread's side of the chat worker (scripts/chat-worker.mjs, lib/chat/worker-host.ts, which
// describes the messages): scripts/start.mjs hands it POST /api/chat, POST /api/chat/[id]/stop and
// GET /api/chat/[id]/stream; it reads a chat request's body (never more than the worker's limit), passes
// the request on, and writes what comes back to the sockets. A client that goes away is detached from
// its reply, which goes on in the worker and is stored there.
import { Worker } from "node:worker_threads";

const EMPTY = new Uint8Array(0);
const PENDING = Symbol("pending");

/** `{ route, chatId }` when this request is one the worker answers besides POST /api/chat. */
export function matchWorkerRoute(method, url) {
  const match = /^\/api\/chat\/([^/?#]+)\/(stop|stream)(?:\?.*)?$/.exec(url ?? "");
  if (!match) return undefined;
  const route = match[2];
  if ((route === "stop" && method !== "POST") || (route === "stream" && method !== "GET")) return undefined;
  let chatId;
  try {
    chatId = decodeURIComponent(match[1]);
  } catch {
    return undefined; // Next answers a path it cannot decode
  }
  return { route, chatId };
}

/** Reads up to `limit` bytes of a request body; `tooLarge` when it declares or sends more (the rest is left unread). */
export function readBody(req, limit, done) {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) {
    done(EMPTY, true);
    return;
  }
  const chunks = [];
  let total = 0;
  let finished = false;
  const finish = (tooLarge) => {
    if (finished) return;
    finished = true;
    req.off("data", onData);
    if (tooLarge) {
      req.pause();
      done(EMPTY, true);
      return;
    }
    // Its own ArrayBuffer, so that it can be moved to the worker without copying (a Buffer may share a pool).
    const body = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    done(body, false);
  };
  const onData = (chunk) => {
    total += chunk.byteLength;
    if (total > limit) finish(true);
    else chunks.push(chunk);
  };
  req.on("data", onData);
  req.once("end", () => finish(false));
}

export class ChatWorkerClient {
  /** False once the worker has gone: then the server answers these routes in its own thread. */
  alive = true;
  #port;
  #bodyLimit;
  #nextId = 1;
  /** id → the request, its response and the headers next.config.mjs gives the path. */
  #open = new Map();
  /** rawHeaders → the user, null (no session) or undefined (the lookup failed: the worker reads it itself). */
  #session;

  constructor(port, bodyLimit, session = async () => undefined) {
    this.#port = port;
    this.#bodyLimit = bodyLimit;
    this.#session = session;
  }

  /** Responses in flight (for tests and shutdown). */
  get openCount() {
    return this.#open.size;
  }

  /** POST /api/chat. */
  post(req, res, headers) {
    const id = this.#track(req, res, headers);
    // The session is read here while the body arrives; the request goes to the worker when both are there.
    let session = PENDING;
    let read;
    const send = () => {
      if (!read || session === PENDING || !this.#open.has(id)) return;
      const { body, tooLarge } = read;
      const transfer = body.byteLength > 0 ? [body.buffer] : [];
      this.#port.postMessage(
        { t: "post", id, url: req.url ?? "/", headers: req.rawHeaders, session, body, tooLarge },
        transfer,
      );
    };
    this.#lookUp(req, (found) => {
      session = found;
      send();
    });
    readBody(req, this.#bodyLimit, (body, tooLarge) => {
      read = { body, tooLarge };
      send();
    });
  }

  /** POST /api/chat/[id]/stop or GET /api/chat/[id]/stream (see matchWorkerRoute). */
  route(req, res, headers, match) {
    req.resume(); // neither reads a body: whatever comes is drained
    const id = this.#track(req, res, headers, true);
    this.#lookUp(req, (session) => {
      if (!this.#open.has(id)) return;
      this.#port.postMessage({
        t: "route",
        id,
        route: match.route,
        chatId: match.chatId,
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.rawHeaders,
        session,
      });
    });
  }

  #lookUp(req, done) {
    this.#session(req.rawHeaders).then(done, () => done(undefined));
  }

  /** An auth change in this thread: the worker's session cache forgets too. */
  forgetSessions() {
    if (this.alive) this.#port.postMessage({ t: "forget-sessions" });
  }

  /** An admin changed this user's limits in this thread: the worker forgets its copy too. */
  forgetLimits(userId) {
    if (this.alive) this.#port.postMessage({ t: "forget-limits", userId });
  }

  /** One batch from the worker: heads first, then frames in order. */
  receive(message) {
    if (message?.t !== "batch") return;
    for (const head of message.heads) this.#head(head);
    const frames = message.frames;
    for (let i = 0; i + 1 < frames.length; i += 2) {
      const entry = this.#open.get(frames[i]);
      if (!entry) continue; // detached
      const frame = frames[i + 1];
      if (frame === null) {
        this.#open.delete(frames[i]);
        entry.res.end();
      } else {
        entry.res.write(frame);
      }
    }
  }

  /** The worker is gone: what was in flight ends now (the replies it held are marked interrupted at the next start). */
  close() {
    this.alive = false;
    const open = [...this.#open.values()];
    this.#open.clear();
    for (const { res } of open) {
      if (res.headersSent) res.destroy();
      else res.writeHead(503, { "content-type": "application/json", connection: "close" }).end();
    }
  }

  #track(req, res, headers, drained = false) {
    const id = this.#nextId++;
    this.#open.set(id, { req, res, headers, drained });
    // The reply belongs to the server: a client that leaves only stops being sent to.
    res.once("close", () => {
      if (this.#open.delete(id) && this.alive) this.#port.postMessage({ t: "detach", id });
    });
    return id;
  }

  #head({ id, status, headers, body }) {
    const entry = this.#open.get(id);
    if (!entry) return;
    const { req, res } = entry;
    const all = { ...entry.headers, ...headers };
    if (body === undefined) {
      res.writeHead(status, all);
      return;
    }
    this.#open.delete(id);
    if (status !== 204 && status !== 304) all["content-length"] = String(Buffer.byteLength(body));
    // A body left unread (refused before reading it) must not be taken for the next request.
    if (!entry.drained && !req.readableEnded) all.connection = "close";
    res.writeHead(status, all);
    res.end(body);
  }
}

/**
 * Starts the chat worker (scripts/chat-worker.mjs) and resolves with its client once it is ready, or with
 * undefined (and a warning) when it cannot start; `onExit` runs if it stops later.
 */
export function startChatWorker(workerFile, workerData, { timeoutMs = 60_000, onExit, session } = {}) {
  return new Promise((resolve) => {
    const worker = new Worker(workerFile, { workerData });
    let client;
    const timer = setTimeout(() => {
      console.warn("[glm-chat] the chat worker did not start within", timeoutMs, "ms");
      void worker.terminate();
    }, timeoutMs);
    worker.on("message", (message) => {
      if (client) {
        client.receive(message);
      } else if (message?.t === "ready") {
        clearTimeout(timer);
        client = new ChatWorkerClient(worker, message.bodyLimit, session);
        resolve(client);
      }
    });
    worker.on("error", (err) => console.error("[glm-chat] chat worker failed:", err));
    worker.once("exit", (code) => {
      clearTimeout(timer);
      if (!client) {
        console.warn(`[glm-chat] the chat worker did not start (exit ${code})`);
        resolve(undefined);
        return;
      }
      console.error(`[glm-chat] the chat worker stopped (exit ${code}); chat replies now run in the server's thread`);
      client.close();
      onExit?.();
    });
  });
}
