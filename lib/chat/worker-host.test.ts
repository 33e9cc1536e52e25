import http from "node:http";
import type { AddressInfo } from "node:net";
import { MessageChannel } from "node:worker_threads";
import { afterEach, describe, expect, it, vi } from "vitest";
import { requireUser, vouchSession, type SessionUser } from "@/lib/auth";
import { forgetSessions, SESSIONS_FORGOTTEN_HOOK } from "@/lib/auth/session-cache";
import { LIMITS_FORGOTTEN_HOOK, setUserLimits } from "@/lib/db/queries/limits";
import { AppError } from "@/lib/errors";
import { ChatWorkerClient, matchWorkerRoute } from "@/scripts/chat-worker-client.mjs";
import { createTestUser, openTestDatabase } from "@/test/db";
import type { ChatPostRequest } from "./chat-post";
import { Generation } from "./generation";
import { FrameBatcher, serveChatWorker, type ChatWorkerRoutes, type FromWorker, type ToWorker } from "./worker-host";

// The chat worker's message protocol, end to end in one thread: the server thread's client
// (scripts/chat-worker-client.mjs) behind a real node:http server, the worker's side
// (lib/chat/worker-host.ts) on the other end of a MessageChannel, with the routes stubbed.

interface Rig {
  url: string;
  client: ChatWorkerClient;
  /** What the worker sent and received, in order. */
  fromWorker: FromWorker[];
  toWorker: ToWorker[];
  routes: ChatWorkerRoutes;
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(
  overrides: Partial<ChatWorkerRoutes>,
  bodyLimit = 10_000,
  session?: (rawHeaders: readonly string[]) => Promise<unknown>,
): Promise<Rig> {
  const { port1, port2 } = new MessageChannel();
  const fromWorker: FromWorker[] = [];
  const toWorker: ToWorker[] = [];
  const routes: ChatWorkerRoutes = {
    post: () => Promise.reject(new Error("no post")),
    stop: () => Promise.reject(new Error("no stop")),
    stream: () => Promise.reject(new Error("no stream")),
    vouch: vi.fn(vouchSession),
    forgetSessions: vi.fn(),
    forgetLimits: vi.fn(),
    ...overrides,
  };
  port2.on("message", (message: ToWorker) => toWorker.push(message));
  serveChatWorker(
    {
      on: (event, listener) => port2.on(event, listener),
      postMessage: (message) => {
        fromWorker.push(message);
        port2.postMessage(message);
      },
    },
    routes,
    { bodyLimit },
  );
  const ready = await new Promise<FromWorker>((resolve) => port1.once("message", resolve));
  expect(ready).toEqual({ t: "ready", bodyLimit });
  const client = new ChatWorkerClient(port1, bodyLimit, session);
  port1.on("message", (message) => client.receive(message));
  const server = http.createServer((req, res) => {
    const match = matchWorkerRoute(req.method, req.url);
    if (match) client.route(req, res, { "x-config": "from-next-config" }, match);
    else client.post(req, res, { "x-config": "from-next-config" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => {
    port1.close();
    port2.close();
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, client, fromWorker, toWorker, routes };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

const post = (url: string, body: string, init: RequestInit = {}) =>
  fetch(`${url}/api/chat`, { method: "POST", body, headers: { cookie: "session=abc" }, ...init });

describe("the chat worker protocol", () => {
  it("streams a reply's frames in order to the client, with the route's headers, and ends it", async () => {
    const generation = new Generation("chat-1", "m1", "glm-5-1", "alice");
    let input: ChatPostRequest | undefined;
    let body: unknown;
    const { url } = await rig({
      post: async (request) => {
        input = request;
        body = await request.readJson(10_000);
        generation.emit("data: 1\n\n");
        return generation;
      },
    });
    const response = post(url, JSON.stringify({ id: "chat-1" }));
    await until(() => generation.listenerCount === 1);
    generation.emit("data: 2\n\n");
    generation.emit("data: 3\n\n");
    generation.end();
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("x-config")).toBe("from-next-config");
    expect(await res.text()).toBe("data: 1\n\ndata: 2\n\ndata: 3\n\n");
    expect(body).toEqual({ id: "chat-1" });
    expect(input?.request.headers.get("cookie")).toBe("session=abc");
    expect(input?.request.url).toBe("http://localhost/api/chat");
  });

  it("sends everything one turn of the worker's event loop produced as one message", async () => {
    const generation = new Generation("chat-1", "m1", "glm-5-1", "alice");
    const { url, fromWorker } = await rig({ post: async () => generation });
    const response = post(url, "{}");
    await until(() => generation.listenerCount === 1);
    const before = fromWorker.length;
    for (let i = 0; i < 50; i++) generation.emit(`data: ${i}\n\n`);
    generation.end();
    const text = await (await response).text();
    expect(text).toBe(Array.from({ length: 50 }, (_, i) => `data: ${i}\n\n`).join(""));
    const batches = fromWorker.slice(before);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ t: "batch", heads: [] });
    expect((batches[0] as Extract<FromWorker, { t: "batch" }>).frames).toHaveLength(102); // 51 × [id, frame]
  });

  it("detaches a client that leaves; the reply goes on in the worker", async () => {
    const generation = new Generation("chat-1", "m1", "glm-5-1", "alice");
    const { url, client, toWorker } = await rig({ post: async () => generation });
    const abort = new AbortController();
    const response = post(url, "{}", { signal: abort.signal });
    await until(() => generation.listenerCount === 1);
    generation.emit("data: 1\n\n");
    const res = await response;
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: 1\n\n");
    abort.abort();
    await until(() => toWorker.some((m) => m.t === "detach"));
    await until(() => generation.listenerCount === 0);
    expect(client.openCount).toBe(0);
    expect(generation.done).toBe(false);
    generation.emit("data: 2\n\n"); // still running: a re-attach replays it
    const replay: string[] = [];
    generation.subscribe((frame) => frame && replay.push(frame));
    expect(replay).toEqual(["data: 1\n\n", "data: 2\n\n"]);
  });

  it("hands the worker the session the server's thread read, so the worker's requireUser takes it as it is", async () => {
    const alice: SessionUser = { id: "u-alice", email: "alice@example.com", name: "alice", role: "user" };
    const lookups: string[] = [];
    const generation = new Generation("chat-1", "m1", "glm-5-1", "alice");
    const users: string[] = [];
    const { url, routes } = await rig(
      {
        post: async (input) => {
          users.push((await requireUser(input.request)).id);
          generation.emit("data: 1\n\n");
          generation.end();
          return generation;
        },
        stop: async (request) => Response.json({ user: (await requireUser(request)).id }),
      },
      10_000,
      async (rawHeaders) => {
        const cookie = rawHeaders[rawHeaders.findIndex((h) => h.toLowerCase() === "cookie") + 1];
        lookups.push(cookie ?? "");
        if (cookie === "session=abc") return alice;
        if (cookie === "session=broken") throw new Error("database down");
        return null;
      },
    );
    expect(await (await post(url, "{}")).text()).toBe("data: 1\n\n");
    expect(users).toEqual(["u-alice"]);
    const stopped = await fetch(`${url}/api/chat/chat-1/stop`, { method: "POST", headers: { cookie: "session=abc" } });
    expect(await stopped.json()).toEqual({ user: "u-alice" });
    // No session: requireUser refuses without asking better-auth.
    const refused = await post(url, "{}", { headers: { cookie: "session=nope" } });
    expect(refused.status).toBe(401);
    expect(lookups).toEqual(["session=abc", "session=abc", "session=nope"]);
    // A lookup that failed vouches for nothing: the worker would read the session itself.
    vi.mocked(routes.vouch).mockClear();
    const broken = await post(url, "{}", { headers: { cookie: "session=broken" } });
    await broken.text();
    expect(routes.vouch).not.toHaveBeenCalled();
  });

  it("answers a refused request with its error as JSON and its status", async () => {
    const { url } = await rig({
      post: () => Promise.reject(new AppError("unauthorized")),
    });
    const res = await post(url, "{}");
    expect(res.status).toBe(401);
    expect(res.headers.get("connection")).not.toBe("close"); // its body was read: the connection stays usable
    expect(res.headers.get("x-config")).toBe("from-next-config");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("refuses a body over the limit as body_too_large without reading it all, and closes the connection", async () => {
    const { url, toWorker } = await rig(
      { post: async (request) => (await request.readJson(100), new Generation("c", "m", "glm-5-1", "a")) },
      100,
    );
    const res = await post(url, JSON.stringify({ text: "x".repeat(5_000) }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("body_too_large");
    expect(res.headers.get("connection")).toBe("close");
    const sent = toWorker.find((m) => m.t === "post");
    expect(sent).toMatchObject({ tooLarge: true });
    expect((sent as Extract<ToWorker, { t: "post" }>).body.byteLength).toBe(0);
  });

  it("refuses an empty or malformed body as invalid_body", async () => {
    const { url } = await rig({
      post: async (request) => (await request.readJson(10_000), new Generation("c", "m", "glm-5-1", "a")),
    });
    for (const body of ["", "{not json"]) {
      const res = await post(url, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_body");
    }
  });

  it("serves stop and re-attach with the worker's route handlers and the decoded chat id", async () => {
    const stops: string[] = [];
    const { url } = await rig({
      stop: async (request, ctx) => {
        stops.push(`${request.method} ${(await ctx.params).id} ${request.headers.get("cookie")}`);
        return Response.json({ stopped: true });
      },
      stream: async (_request, ctx) => {
        const { id } = await ctx.params;
        if (id === "gone") return new Response(null, { status: 204 });
        const bytes = new TextEncoder();
        return new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(bytes.encode("data: a\n\n"));
              controller.enqueue(bytes.encode(`data: ${id}\n\n`));
              controller.close();
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        );
      },
    });
    const stopped = await fetch(`${url}/api/chat/chat%201/stop`, { method: "POST", headers: { cookie: "s=1" } });
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toEqual({ stopped: true });
    expect(stopped.headers.get("x-config")).toBe("from-next-config");
    expect(stops).toEqual(["POST chat 1 s=1"]);
    expect(stopped.headers.get("connection")).not.toBe("close");

    const replay = await fetch(`${url}/api/chat/chat-2/stream`);
    expect(replay.headers.get("content-type")).toBe("text/event-stream");
    expect(await replay.text()).toBe("data: a\n\ndata: chat-2\n\n");

    const none = await fetch(`${url}/api/chat/gone/stream`);
    expect(none.status).toBe(204);
    expect(none.headers.get("content-length")).toBeNull();
  });

  it("ends what is in flight when the worker goes, and then takes nothing more", async () => {
    const generation = new Generation("chat-1", "m1", "glm-5-1", "alice");
    const { url, client } = await rig({ post: async () => generation });
    const response = post(url, "{}");
    await until(() => generation.listenerCount === 1);
    generation.emit("data: 1\n\n");
    const res = await response;
    const reader = res.body!.getReader();
    await reader.read();
    client.close();
    expect(client.alive).toBe(false);
    await expect(reader.read()).rejects.toThrow();
    expect(client.openCount).toBe(0);
  });

  it("passes an auth change on to the worker's session cache", async () => {
    const { client, routes } = await rig({});
    const g = globalThis as typeof globalThis & { [SESSIONS_FORGOTTEN_HOOK]?: () => void };
    g[SESSIONS_FORGOTTEN_HOOK] = () => client.forgetSessions();
    cleanups.push(() => void delete g[SESSIONS_FORGOTTEN_HOOK]);
    forgetSessions();
    await until(() => vi.mocked(routes.forgetSessions).mock.calls.length === 1);
  });

  it("passes a change of a user's limits on to the worker's copy", async () => {
    const { client, routes } = await rig({});
    const t = await openTestDatabase("sqlite");
    cleanups.push(() => t.cleanup());
    const userId = await createTestUser(t, "limits@example.com");
    const g = globalThis as typeof globalThis & { [LIMITS_FORGOTTEN_HOOK]?: (userId: string) => void };
    g[LIMITS_FORGOTTEN_HOOK] = (userId) => client.forgetLimits(userId);
    cleanups.push(() => void delete g[LIMITS_FORGOTTEN_HOOK]);
    await setUserLimits(t.db, userId, { tokensPerDay: 10, maxConcurrent: 1 });
    await until(() => vi.mocked(routes.forgetLimits).mock.calls.length === 1);
    expect(routes.forgetLimits).toHaveBeenCalledWith(userId);
  });
});

describe("FrameBatcher", () => {
  it("sends heads before frames, once per scheduled flush, and nothing when empty", () => {
    const sent: unknown[] = [];
    const pending: (() => void)[] = [];
    const batcher = new FrameBatcher(
      (batch) => sent.push(batch),
      (flush) => pending.push(flush),
    );
    batcher.frame(1, "a");
    batcher.head({ id: 2, status: 200, headers: {} });
    batcher.frame(2, null);
    expect(pending).toHaveLength(1); // one flush scheduled for the lot
    pending.shift()!();
    expect(sent).toEqual([{ t: "batch", heads: [{ id: 2, status: 200, headers: {} }], frames: [1, "a", 2, null] }]);
    batcher.flush();
    expect(sent).toHaveLength(1);
    batcher.frame(3, "b");
    expect(pending).toHaveLength(1);
  });
});

describe("matchWorkerRoute", () => {
  it("takes POST …/stop and GET …/stream with a decodable id, nothing else", () => {
    expect(matchWorkerRoute("POST", "/api/chat/abc/stop")).toEqual({ route: "stop", chatId: "abc" });
    expect(matchWorkerRoute("GET", "/api/chat/a%2Fb/stream?x=1")).toEqual({ route: "stream", chatId: "a/b" });
    expect(matchWorkerRoute("GET", "/api/chat/abc/stop")).toBeUndefined();
    expect(matchWorkerRoute("POST", "/api/chat/abc/stream")).toBeUndefined();
    expect(matchWorkerRoute("POST", "/api/chat/abc%/stop")).toBeUndefined();
    expect(matchWorkerRoute("POST", "/api/chat/a/b/stop")).toBeUndefined();
    expect(matchWorkerRoute("POST", "/api/chat/abc/stop/")).toBeUndefined();
    expect(matchWorkerRoute("POST", "/api/chat")).toBeUndefined();
  });
});
