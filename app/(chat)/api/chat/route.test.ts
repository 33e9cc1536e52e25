import { createParser } from "eventsource-parser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppErrorPayload } from "@/lib/errors";
import type { Simulator } from "@/lib/simulator/server";
import type { RecordedRequest } from "@/lib/simulator/script-types";
import { sseJson } from "@/test/sse";
// Types only: the modules themselves are imported after the env is set.
import type * as ModelsRouteModule from "@/app/api/models/route";
import type * as StopRouteModule from "./[id]/stop/route";
import type * as StreamRouteModule from "./[id]/stream/route";
import type * as ChatRouteModule from "./route";

// The chat routes over real HTTP to the in-process gateway simulator. The env module caches
// its first read, so the env is set before the routes are imported (dynamically, below).

const KEY = "sk-byts-test-key-123456";
const COOKIE_ID = "0123456789abcdef-rid-0001";
const ENV = {
  BYTESPIKE_API_KEY: KEY,
  CHAT_MAX_MESSAGES: "20",
  CHAT_MAX_MESSAGE_CHARS: "2000",
  CHAT_MAX_BODY_BYTES: "65536",
  MODEL_CATALOG_TTL_SECONDS: "300",
};

let sim: Simulator;
let chatRoute: typeof ChatRouteModule;
let stopRoute: typeof StopRouteModule;
let streamRoute: typeof StreamRouteModule;
let modelsRoute: typeof ModelsRouteModule;
let resetCatalogCache: () => void;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  const { createSimulator } = await import("@/lib/simulator/server");
  sim = await createSimulator({ port: 0, tokensPerSecond: 5000, keys: [KEY] });
  const env = { ...ENV, BYTESPIKE_BASE_URL: `${sim.url}/v1` };
  for (const [name, value] of Object.entries(env)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
  [chatRoute, stopRoute, streamRoute, modelsRoute, { resetCatalogCache }] = await Promise.all([
    import("./route"),
    import("./[id]/stop/route"),
    import("./[id]/stream/route"),
    import("@/app/api/models/route"),
    import("@/lib/gateway/catalog"),
  ]);
});

afterAll(async () => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await sim?.close();
});

beforeEach(() => {
  sim.reset();
});

let chatCounter = 0;
const nextChatId = () => `chat-${Date.now().toString(36)}-${++chatCounter}`;

const userMessage = (text: string, id = "m-user") => ({ id, role: "user", parts: [{ type: "text", text }] });
const goodBody = (extra: Record<string, unknown> = {}) => ({
  id: nextChatId(),
  messages: [userMessage("你好")],
  model: "glm-5-1",
  ...extra,
});

/** Every response the routes give passes through here, so none can carry the key unnoticed. */
function assertNoSecrets(label: string, headers: Headers, text: string) {
  const everything = `${[...headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`;
  expect(everything, label).not.toContain(KEY);
  expect(everything, label).not.toContain(KEY.slice(8));
  expect(everything, label).not.toContain(sim.url);
}

/** The requester cookie the route issued, as the browser would send it back. */
function cookieOf(response: Response): string {
  const setCookie = response.headers.get("set-cookie") ?? "";
  const pair = setCookie.split(";")[0] ?? "";
  expect(pair).toMatch(/^glm_rid=/);
  return pair;
}

async function postChat(
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ response: Response; text: string }> {
  const response = await chatRoute.POST(
    new Request("http://localhost/api/chat", {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json", ...headers },
    }),
  );
  const text = await response.text();
  assertNoSecrets("POST /api/chat", response.headers, text);
  return { response, text };
}

async function expectAppError(
  result: Promise<{ response: Response; text: string }>,
  status: number,
  code: string,
): Promise<AppErrorPayload> {
  const { response, text } = await result;
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = JSON.parse(text) as { error: AppErrorPayload };
  expect(body.error.code).toBe(code);
  expect(body.error.message["zh-CN"]).toEqual(expect.any(String));
  expect(body.error.message.en).toEqual(expect.any(String));
  expect(body.error.message.en).not.toMatch(/\{\w+\}/);
  expect(typeof body.error.retryable).toBe("boolean");
  return body.error;
}

const chatRequests = (): RecordedRequest[] => sim.requests().filter((r) => r.path === "/v1/chat/completions");

type Part = Record<string, unknown>;
const partsOf = (text: string) => sseJson(text).filter((p): p is Part => p !== "[DONE]");
const deltaText = (parts: Part[]) => parts.map((p) => (p.type === "text-delta" ? String(p.delta) : "")).join("");

describe("POST /api/chat: refused before reaching the gateway", () => {
  it("invalid JSON → 400 invalid_body", async () => {
    await expectAppError(postChat("{not json"), 400, "invalid_body");
  });

  it("a body that fails the schema → 400 invalid_body naming the field", async () => {
    const error = await expectAppError(postChat({ id: "bad id!", messages: [userMessage("hi")] }), 400, "invalid_body");
    expect(String(error.params?.detail)).toContain("id");
    await expectAppError(postChat({ id: "c1", messages: [] }), 400, "invalid_body");
    await expectAppError(
      postChat({ id: "c1", messages: [{ id: "m", role: "system", parts: [] }] }),
      400,
      "invalid_body",
    );
    await expectAppError(postChat([1, 2]), 400, "invalid_body");
  });

  it("an unknown model → 400 unknown_model with the model named", async () => {
    const error = await expectAppError(postChat(goodBody({ model: "gpt-9" })), 400, "unknown_model");
    expect(error.params).toEqual({ model: "gpt-9" });
    expect(error.message.en).toContain("gpt-9");
  });

  it("maxTokens above the model's limit → 400 max_tokens_too_high", async () => {
    const error = await expectAppError(
      postChat(goodBody({ model: "glm-5", settings: { maxTokens: 9000 } })),
      400,
      "max_tokens_too_high",
    );
    expect(error.params).toEqual({ requested: 9000, max: 8192, model: "glm-5" });
  });

  it("an empty or blank last message → 400 empty_message", async () => {
    await expectAppError(postChat(goodBody({ messages: [userMessage("   \n ")] })), 400, "empty_message");
    await expectAppError(
      postChat(goodBody({ messages: [{ id: "m", role: "user", parts: [{ type: "reasoning", text: "x" }] }] })),
      400,
      "empty_message",
    );
    await expectAppError(
      postChat(
        goodBody({
          messages: [userMessage("hi"), { id: "a", role: "assistant", parts: [{ type: "text", text: "yo" }] }],
        }),
      ),
      400,
      "empty_message",
    );
  });

  it("continue without a final reply with text after a question → 400 invalid_body", async () => {
    const reply = (text: string) => ({ id: "a", role: "assistant", parts: [{ type: "text", text }] });
    for (const messages of [[userMessage("hi")], [userMessage("hi"), reply("  ")], [reply("half an answer")]]) {
      const error = await expectAppError(postChat(goodBody({ continue: true, messages })), 400, "invalid_body");
      expect(String(error.params?.detail)).toContain("continue");
    }
  });

  it("a message over CHAT_MAX_MESSAGE_CHARS → 400 message_too_long", async () => {
    const error = await expectAppError(
      postChat(goodBody({ messages: [userMessage("长".repeat(2001))] })),
      400,
      "message_too_long",
    );
    expect(error.params).toEqual({ length: 2001, limit: 2000 });
  });

  it("more than CHAT_MAX_MESSAGES messages → 400 too_many_messages", async () => {
    const messages = Array.from({ length: 21 }, (_, i) => userMessage(`m${i}`, `m${i}`));
    const error = await expectAppError(postChat(goodBody({ messages })), 400, "too_many_messages");
    expect(error.params).toEqual({ limit: 20 });
  });

  it("a body over CHAT_MAX_BODY_BYTES → 413 body_too_large, declared or not", async () => {
    const big = goodBody({ messages: [userMessage("x".repeat(70_000))] });
    // No content-length: the limit is counted while reading.
    await expectAppError(postChat(big), 413, "body_too_large");
    // A declared length over the limit is refused before reading.
    await expectAppError(postChat(big, { "content-length": "70100" }), 413, "body_too_large");
  });

  it("a cross-origin browser request → 403 forbidden_origin", async () => {
    await expectAppError(
      postChat(goodBody(), { origin: "https://evil.example", host: "localhost" }),
      403,
      "forbidden_origin",
    );
    await expectAppError(postChat(goodBody(), { origin: "null", host: "localhost" }), 403, "forbidden_origin");
  });

  it("sends none of these upstream", async () => {
    await postChat("{not json");
    await postChat(goodBody({ model: "gpt-9" }));
    await postChat(goodBody({ messages: [userMessage(" ")] }));
    await postChat(goodBody(), { origin: "https://evil.example", host: "localhost" });
    expect(chatRequests()).toEqual([]);
  });
});

describe("POST /api/chat: a good request", () => {
  it("streams UI message frames from the gateway's answer", async () => {
    sim.script([{ kind: "stream", reasoning: "先想想。", text: "你好，我是模拟器。", usage: { prompt_tokens: 11 } }]);
    const { response, text } = await postChat(goodBody(), { origin: "http://localhost", host: "localhost" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    const all = sseJson(text);
    expect(all.at(-1)).toBe("[DONE]");
    const parts = partsOf(text);
    expect(parts[0]).toMatchObject({
      type: "start",
      messageId: expect.stringMatching(/^msg-/),
      messageMetadata: { model: "glm-5-1" },
    });
    const order = parts.map((p) => p.type);
    expect(order.indexOf("reasoning-start")).toBeLessThan(order.indexOf("text-start"));
    expect(deltaText(parts)).toBe("你好，我是模拟器。");
    expect(parts.at(-1)).toMatchObject({
      type: "finish",
      finishReason: "stop",
      messageMetadata: { status: "done", finishReason: "stop", usage: { promptTokens: 11 } },
    });
  });

  it("sends upstream only the validated fields, with the configured key", async () => {
    sim.script([{ kind: "stream", text: "ok" }]);
    await postChat(
      {
        id: nextChatId(),
        model: "glm-5-1",
        messages: [
          { id: "u1", role: "user", parts: [{ type: "text", text: "第一问", providerMetadata: { x: 1 } }], junk: true },
          {
            id: "a1",
            role: "assistant",
            parts: [
              { type: "reasoning", text: "hidden thoughts" },
              { type: "text", text: "第一答" },
            ],
            metadata: { status: "done" },
          },
          { id: "u2", role: "user", parts: [{ type: "text", text: "第二问" }] },
        ],
        settings: { maxTokens: 256, temperature: 0.3, thinking: false, system: " 你是助手 ", evil: "x" },
        // Junk the browser might add: none of it may reach the gateway.
        baseUrl: "https://attacker.example/v1",
        apiKey: "sk-byts-attacker",
        user: "attacker",
        tools: [{ type: "function", function: { name: "rm_rf" } }],
        stream_options: { include_usage: true },
        response_format: { type: "json_object" },
        top_p: 0.1,
        trigger: "submit-message",
        messageId: "m-x",
      },
      { cookie: `glm_rid=${COOKIE_ID}` },
    );
    const [upstream] = chatRequests();
    expect(upstream).toBeDefined();
    const body = upstream?.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([
      "max_tokens",
      "messages",
      "model",
      "stream",
      "temperature",
      "thinking",
      "user",
    ]);
    expect(body).toMatchObject({
      model: "glm-5-1",
      stream: true,
      max_tokens: 256,
      temperature: 0.3,
      thinking: { type: "disabled" },
    });
    expect(body.messages).toEqual([
      { role: "system", content: "你是助手" },
      { role: "user", content: "第一问" },
      { role: "assistant", content: "第一答" },
      { role: "user", content: "第二问" },
    ]);
    expect(upstream?.headers.authorization).toBe(`Bearer ${KEY}`);
    // Nothing of the browser's request rides along.
    expect(upstream?.headers.cookie).toBeUndefined();
    expect(upstream?.headers.origin).toBeUndefined();
  });

  it("continues a cut reply: the conversation plus an instruction upstream, the same message id back", async () => {
    sim.script([{ kind: "stream", text: "后半部分。" }]);
    const cut = {
      id: "msg-cut-1",
      role: "assistant",
      parts: [{ type: "text", text: "前半部分" }],
      metadata: { status: "done", finishReason: "length" },
    };
    const { response, text } = await postChat(
      goodBody({ continue: true, messages: [userMessage("写一篇长文"), cut], settings: { system: "简洁" } }),
    );
    expect(response.status).toBe(200);
    const parts = partsOf(text);
    expect(parts[0]).toMatchObject({ type: "start", messageId: "msg-cut-1" });
    expect(deltaText(parts)).toBe("后半部分。");
    expect((chatRequests()[0]?.body as { messages: unknown }).messages).toEqual([
      { role: "system", content: "简洁" },
      { role: "user", content: "写一篇长文" },
      { role: "assistant", content: "前半部分" },
      { role: "user", content: "请从上次中断处继续，不要重复已写内容。" },
    ]);
  });

  it("sends only model, messages, stream and user when no settings are given", async () => {
    sim.script([{ kind: "stream", text: "ok" }]);
    await postChat(goodBody());
    const body = chatRequests()[0]?.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["messages", "model", "stream", "user"]);
  });

  it("uses DEFAULT_MODEL when the browser names none", async () => {
    sim.script([{ kind: "stream", text: "ok" }]);
    const { response } = await postChat({ id: nextChatId(), messages: [userMessage("hi")] });
    expect(response.status).toBe(200);
    expect((chatRequests()[0]?.body as { model: string }).model).toBe("glm-5-1");
  });

  it("drops thinking for a model without the capability", async () => {
    sim.script([{ kind: "stream", text: "ok" }]);
    await postChat(goodBody({ model: "kimi-k2-6", settings: { thinking: true } }));
    expect(chatRequests()[0]?.body).not.toHaveProperty("thinking");
  });

  it("identifies the requester by a salted hash, stable per cookie and never the raw id", async () => {
    sim.script([
      { kind: "stream", text: "a" },
      { kind: "stream", text: "b" },
      { kind: "stream", text: "c" },
    ]);
    const first = await postChat(goodBody(), { cookie: `theme=dark; glm_rid=${COOKIE_ID}` });
    await postChat(goodBody(), { cookie: `glm_rid=${COOKIE_ID}` });
    await postChat(goodBody(), { cookie: "glm_rid=another-requester-id-0002" });
    const users = chatRequests().map((r) => (r.body as { user: string }).user);
    for (const user of users) {
      expect(user).toMatch(/^u_[0-9a-f]{32}$/);
      expect(user).not.toContain(COOKIE_ID);
    }
    expect(users[0]).toBe(users[1]);
    expect(users[2]).not.toBe(users[0]);
    // A known id is not re-issued.
    expect(first.response.headers.get("set-cookie")).toBeNull();
  });

  it("issues an HttpOnly requester cookie when there is none (or a malformed one), hashed the same way", async () => {
    sim.script([
      { kind: "stream", text: "a" },
      { kind: "stream", text: "b" },
      { kind: "stream", text: "c" },
    ]);
    const { response } = await postChat(goodBody(), { cookie: "glm_rid=<script>" });
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^glm_rid=[A-Za-z0-9-]{16,64}; /);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    const issued = /^glm_rid=([^;]+)/.exec(setCookie)?.[1] ?? "";
    await postChat(goodBody(), { cookie: `glm_rid=${issued}` });
    const [viaIssue, viaCookie] = chatRequests().map((r) => (r.body as { user: string }).user);
    expect(viaIssue).toBe(viaCookie);
    expect(viaIssue).not.toContain(issued);
  });

  it("replaces a cookie with a malformed %-escape instead of failing with a 500", async () => {
    sim.script([{ kind: "stream", text: "ok" }]);
    const { response } = await postChat(goodBody(), { cookie: "glm_rid=%E0%A4%A" });
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toMatch(/^glm_rid=[A-Za-z0-9-]{16,64}; /);
  });

  it("relays a gateway refusal as an error chunk (content safety)", async () => {
    sim.script([
      {
        kind: "http-error",
        status: 400,
        body: { error: { code: "1301", message: "系统检测到输入或生成内容可能包含不安全或敏感内容" } },
      },
    ]);
    const { response, text } = await postChat(goodBody());
    expect(response.status).toBe(200);
    const parts = partsOf(text);
    expect(parts.find((p) => p.type === "message-metadata")?.messageMetadata).toMatchObject({
      status: "error",
      error: { code: "content_filtered" },
    });
    const error = JSON.parse(String(parts.find((p) => p.type === "error")?.errorText)) as AppErrorPayload;
    expect(error.code).toBe("content_filtered");
    expect(chatRequests()).toHaveLength(1);
  });

  it("keeps the partial text when the gateway sends an error frame mid-stream", async () => {
    sim.script([
      {
        kind: "stream",
        chunks: [{ content: "前半" }, { content: "段" }, { content: "never" }],
        errorFrameAfter: 2,
        errorFrame: { code: "server_error", message: "model crashed" },
      },
    ]);
    const { text } = await postChat(goodBody());
    const parts = partsOf(text);
    expect(deltaText(parts)).toBe("前半段");
    expect(parts.find((p) => p.type === "message-metadata")?.messageMetadata).toMatchObject({
      status: "interrupted",
      error: { code: "stream_interrupted" },
    });
    expect(chatRequests()).toHaveLength(1);
  });

  it("reports a rejected key as invalid_api_key without revealing it", async () => {
    sim.script([
      { kind: "http-error", status: 401, code: "invalid_api_key", message: `Incorrect API key provided: ${KEY}` },
    ]);
    const { text } = await postChat(goodBody());
    const error = JSON.parse(String(partsOf(text).find((p) => p.type === "error")?.errorText)) as AppErrorPayload;
    expect(error.code).toBe("invalid_api_key");
  });
});

/** Reads a UI stream part by part, calling `onPart` as each arrives. */
async function readParts(body: ReadableStream<Uint8Array>, onPart: (part: Part | "[DONE]") => void): Promise<string> {
  let raw = "";
  const parser = createParser({
    onEvent: (event) => onPart(event.data === "[DONE]" ? "[DONE]" : (JSON.parse(event.data) as Part)),
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return raw;
    const text = decoder.decode(value, { stream: true });
    raw += text;
    parser.feed(text);
  }
}

async function waitFor<T>(probe: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const stopCtx = (id: string) => ({ params: Promise.resolve({ id }) });
const stopRequest = (headers: Record<string, string> = {}) =>
  new Request("http://localhost/api/chat/x/stop", { method: "POST", headers });

describe("POST /api/chat/[id]/stop", () => {
  it("closes the upstream connection and ends the browser stream with an abort chunk", async () => {
    const chunks = Array.from({ length: 200 }, (_, i) => ({ content: `片${i} ` }));
    sim.script([{ kind: "stream", chunks, chunkDelayMs: 20 }]);
    const body = goodBody();
    const response = await chatRoute.POST(
      new Request("http://localhost/api/chat", { method: "POST", body: JSON.stringify(body) }),
    );
    expect(response.status).toBe(200);
    const cookie = cookieOf(response);
    const parts: Array<Part | "[DONE]"> = [];
    const reading = readParts(response.body!, (p) => parts.push(p));
    await waitFor(
      () => (parts.some((p) => p !== "[DONE]" && p.type === "text-delta") ? true : undefined),
      "first text",
    );

    // Someone else who learns the chat id can neither stop nor replace the reply.
    const stranger = { cookie: "glm_rid=00000000-0000-4000-8000-000000000000" };
    expect((await stopRoute.POST(stopRequest(stranger), stopCtx(body.id))).status).toBe(404);
    const hijack = await chatRoute.POST(
      new Request("http://localhost/api/chat", { method: "POST", body: JSON.stringify(body), headers: stranger }),
    );
    expect(hijack.status).toBe(404);
    expect(
      (await streamRoute.GET(new Request("http://localhost/", { headers: stranger }), stopCtx(body.id))).status,
    ).toBe(204);

    const stopped = await stopRoute.POST(stopRequest({ cookie }), stopCtx(body.id));
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toEqual({ stopped: true });

    const raw = await reading;
    assertNoSecrets("stopped stream", response.headers, raw);
    const objects = parts.filter((p): p is Part => p !== "[DONE]");
    expect(parts.at(-1)).toBe("[DONE]");
    expect(objects.at(-1)).toEqual({ type: "abort", reason: "stopped" });
    expect(objects.find((p) => p.type === "message-metadata")?.messageMetadata).toMatchObject({
      status: "interrupted",
      finishReason: "aborted",
    });
    expect(objects.some((p) => p.type === "finish" || p.type === "error")).toBe(false);

    const upstream = await waitFor(() => chatRequests().find((r) => r.closedEarly), "closedEarly upstream");
    expect(upstream.completed).toBe(false);
    expect(upstream.chunksSent).toBeLessThan(chunks.length);

    // Stopping again is harmless and says it was no longer running.
    expect(await (await stopRoute.POST(stopRequest({ cookie }), stopCtx(body.id))).json()).toEqual({ stopped: false });
  });

  it("does not stop the generation when the browser's stream is closed (tab closed)", async () => {
    sim.script([
      { kind: "stream", chunks: Array.from({ length: 20 }, (_, i) => ({ content: `${i},` })), chunkDelayMs: 5 },
    ]);
    const body = goodBody();
    const response = await chatRoute.POST(
      new Request("http://localhost/api/chat", { method: "POST", body: JSON.stringify(body) }),
    );
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    const upstream = await waitFor(() => chatRequests().find((r) => r.completed), "upstream completed");
    expect(upstream.closedEarly).toBe(false);
    expect(upstream.chunksSent).toBeGreaterThanOrEqual(20);
  });

  it("answers 404 not_found for an unknown chat", async () => {
    const response = await stopRoute.POST(stopRequest(), stopCtx("no-such-chat"));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: AppErrorPayload }).error.code).toBe("not_found");
  });

  it("refuses a cross-origin stop", async () => {
    const response = await stopRoute.POST(
      stopRequest({ origin: "https://evil.example", host: "localhost" }),
      stopCtx("whatever"),
    );
    expect(response.status).toBe(403);
  });
});

describe("GET /api/chat/[id]/stream", () => {
  it("replays a finished generation to a reloaded page, and 204 when there is none", async () => {
    sim.script([{ kind: "stream", text: "可以重放的回答" }]);
    const body = goodBody();
    const { response, text: original } = await postChat(body);
    const replay = await streamRoute.GET(
      new Request("http://localhost/", { headers: { cookie: cookieOf(response) } }),
      stopCtx(body.id),
    );
    expect(replay.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    const replayed = await replay.text();
    assertNoSecrets("stream replay", replay.headers, replayed);
    expect(replayed).toBe(original);
    expect((await streamRoute.GET(new Request("http://localhost/"), stopCtx("nope"))).status).toBe(204);
  });
});

describe("GET /api/models", () => {
  it("lists the gateway's models with capabilities, never the key or the gateway URL", async () => {
    resetCatalogCache();
    const response = await modelsRoute.GET();
    expect(response.status).toBe(200);
    const text = await response.text();
    assertNoSecrets("GET /api/models", response.headers, text);
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toContain("/v1");
    const body = JSON.parse(text) as {
      models: Array<Record<string, unknown>>;
      defaultModel: string;
      demoMode: boolean;
      source: string;
      defaults: unknown;
    };
    expect(body.demoMode).toBe(false);
    // No DEFAULT_* variables set: thinking on, temperature and system prompt left to the model.
    expect(body.defaults).toEqual({ thinking: true });
    expect(body.source).toBe("gateway");
    expect(body.defaultModel).toBe("glm-5-1");
    expect(body.models.find((m) => m.id === "glm-5-1")).toEqual({
      id: "glm-5-1",
      family: "zhipu",
      ownedBy: "zhipu",
      vision: true,
      tools: true,
      json: true,
      thinking: true,
      contextWindow: 131072,
      maxOutputTokens: 16384,
    });
    for (const model of body.models)
      expect(Object.keys(model).sort()).toEqual([
        "contextWindow",
        "family",
        "id",
        "json",
        "maxOutputTokens",
        "ownedBy",
        "thinking",
        "tools",
        "vision",
      ]);
    const catalogRequests = sim.requests().filter((r) => r.path === "/v1/models");
    expect(catalogRequests).toHaveLength(1);
    expect(catalogRequests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });
});
