import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppErrorPayload } from "@/lib/errors";
import { createSimulator, type Simulator } from "@/lib/simulator/server";
import type { SignedIn } from "@/test/app";
import {
  chatRequests,
  deltaText,
  expectAppError,
  goodBody,
  KEY,
  nextChatId,
  partsOf,
  postChat,
  startChatHarness,
  userMessage,
  waitFor,
  type ChatHarness,
} from "@/test/chat-route";
import { DIALECTS } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";

// POST /api/chat, signed in, over real HTTP to the simulator, on SQLite and PostgreSQL.

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ port: 0, tokensPerSecond: 5000, keys: [KEY] });
});
afterAll(async () => {
  await sim?.close();
  await stopPgCluster();
});

describe.each(DIALECTS)("POST /api/chat on %s", { timeout: 60_000 }, (dialect) => {
  let h: ChatHarness;
  let alice: SignedIn;
  const post = (body: unknown, headers: Record<string, string> = {}) => postChat(h, alice, body, headers);

  beforeAll(async () => {
    h = await startChatHarness(dialect, sim);
    alice = await h.app.signIn();
  });
  afterAll(() => h?.close());
  beforeEach(() => sim.reset());

  describe("refused before reaching the gateway", () => {
    it("without a session → 401 unauthorized", async () => {
      await expectAppError(postChat(h, undefined, goodBody()), 401, "unauthorized");
      await expectAppError(
        postChat(h, undefined, goodBody(), { cookie: "glm-chat.session_token=forged" }),
        401,
        "unauthorized",
      );
    });

    it("invalid JSON or a body that fails the schema → 400 invalid_body naming the field", async () => {
      await expectAppError(post("{not json"), 400, "invalid_body");
      const error = await expectAppError(post({ id: "bad id!", messages: [userMessage("hi")] }), 400, "invalid_body");
      expect(String(error.params?.detail)).toContain("id");
      await expectAppError(post({ id: "c1", messages: [] }), 400, "invalid_body");
      await expectAppError(post({ id: "c1", messages: [{ id: "m", role: "system", parts: [] }] }), 400, "invalid_body");
      await expectAppError(post([1, 2]), 400, "invalid_body");
    });

    it("an unknown model → 400 unknown_model; maxTokens above the model's limit → 400 max_tokens_too_high", async () => {
      const error = await expectAppError(post(goodBody({ model: "gpt-9" })), 400, "unknown_model");
      expect(error.params).toEqual({ model: "gpt-9" });
      const tooHigh = await expectAppError(
        post(goodBody({ model: "glm-5", settings: { maxTokens: 9000 } })),
        400,
        "max_tokens_too_high",
      );
      expect(tooHigh.params).toEqual({ requested: 9000, max: 8192, model: "glm-5" });
    });

    it("an empty or blank last message → 400 empty_message", async () => {
      await expectAppError(post(goodBody({ messages: [userMessage("   \n ")] })), 400, "empty_message");
      await expectAppError(
        post(goodBody({ messages: [{ id: "m", role: "user", parts: [{ type: "reasoning", text: "x" }] }] })),
        400,
        "empty_message",
      );
    });

    it("continue without a stored reply with text after a question → 400 invalid_body", async () => {
      const reply = (text: string) => ({ id: "a", role: "assistant", parts: [{ type: "text", text }] });
      for (const messages of [[userMessage("hi")], [userMessage("hi"), reply("  ")], [reply("half an answer")]]) {
        const error = await expectAppError(post(goodBody({ continue: true, messages })), 400, "invalid_body");
        expect(String(error.params?.detail)).toContain("continue");
      }
    });

    it("message and conversation limits → 400 message_too_long / too_many_messages; big bodies → 413", async () => {
      const long = await expectAppError(
        post(goodBody({ messages: [userMessage("长".repeat(2001))] })),
        400,
        "message_too_long",
      );
      expect(long.params).toEqual({ length: 2001, limit: 2000 });
      const messages = Array.from({ length: 21 }, (_, i) => userMessage(`m${i}`, `m${i}`));
      expect((await expectAppError(post(goodBody({ messages })), 400, "too_many_messages")).params).toEqual({
        limit: 20,
      });
      const big = goodBody({ messages: [userMessage("x".repeat(70_000))] });
      await expectAppError(post(big), 413, "body_too_large");
      await expectAppError(post(big, { "content-length": "70100" }), 413, "body_too_large");
    });

    it("a cross-origin browser request → 403 forbidden_origin", async () => {
      await expectAppError(
        post(goodBody(), { origin: "https://evil.example", host: "localhost" }),
        403,
        "forbidden_origin",
      );
      await expectAppError(post(goodBody(), { origin: "null", host: "localhost" }), 403, "forbidden_origin");
    });

    it("sends none of these upstream", async () => {
      await post("{not json");
      await post(goodBody({ model: "gpt-9" }));
      await post(goodBody({ messages: [userMessage(" ")] }));
      await post(goodBody(), { origin: "https://evil.example", host: "localhost" });
      await postChat(h, undefined, goodBody());
      expect(sim.requests().filter((r) => r.path === "/v1/chat/completions")).toEqual([]);
    });
  });

  describe("a good request", () => {
    it("streams UI message frames from the gateway's answer", async () => {
      sim.script([{ kind: "stream", reasoning: "先想想。", text: "你好，我是模拟器。", usage: { prompt_tokens: 11 } }]);
      const { response, text } = await post(goodBody(), { origin: h.app.origin, host: "localhost:3000" });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
      const parts = partsOf(text);
      expect(parts[0]).toMatchObject({ type: "start", messageId: expect.stringMatching(/^msg-/) });
      const order = parts.map((p) => p.type);
      expect(order.indexOf("reasoning-start")).toBeLessThan(order.indexOf("text-start"));
      expect(deltaText(parts)).toBe("你好，我是模拟器。");
      expect(parts.at(-1)).toMatchObject({
        type: "finish",
        finishReason: "stop",
        messageMetadata: { status: "done", finishReason: "stop", usage: { promptTokens: 11 } },
      });
    });

    it("sends the stored conversation upstream, never the browser's copy, with only validated fields", async () => {
      const id = nextChatId();
      sim.script([
        { kind: "stream", reasoning: "hidden thoughts", text: "第一答" },
        { kind: "stream", text: "ok" },
      ]);
      await post({ id, model: "glm-5-1", messages: [userMessage("第一问")] });
      await post({
        id,
        model: "glm-5-1",
        messages: [
          // Prior turns the browser claims: ignored, the stored ones go upstream.
          { id: "forged-q", role: "user", parts: [{ type: "text", text: "伪造的问题" }] },
          { id: "forged-a", role: "assistant", parts: [{ type: "text", text: "伪造的回答" }] },
          { id: "u2", role: "user", parts: [{ type: "text", text: "第二问", providerMetadata: { x: 1 } }], junk: true },
        ],
        settings: { maxTokens: 256, temperature: 0.3, thinking: false, system: " 你是助手 ", evil: "x" },
        baseUrl: "https://attacker.example/v1",
        apiKey: "sk-byts-attacker",
        user: "attacker",
        tools: [{ type: "function", function: { name: "rm_rf" } }],
        top_p: 0.1,
        trigger: "submit-message",
      });
      const upstream = chatRequests(sim)[1];
      const body = upstream?.body as Record<string, unknown>;
      // The server's own tools (lib/tools) ride along; nothing the browser sent does.
      expect(Object.keys(body).sort()).toEqual([
        "max_tokens",
        "messages",
        "model",
        "stream",
        "temperature",
        "thinking",
        "tools",
        "user",
      ]);
      expect((body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).not.toContain("rm_rf");
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
      expect(upstream?.headers.cookie).toBeUndefined();
      expect(upstream?.headers.origin).toBeUndefined();
    });

    it("continues a cut reply: the stored conversation plus an instruction upstream, the same message id back", async () => {
      const id = nextChatId();
      sim.script([
        { kind: "stream", text: "前半部分", finishReason: "length" },
        { kind: "stream", text: "后半部分。" },
      ]);
      const first = partsOf(
        (await post({ id, messages: [userMessage("写一篇长文")], settings: { system: "简洁" } })).text,
      );
      const cutId = String(first[0]?.messageId);
      const cut = { id: cutId, role: "assistant", parts: [{ type: "text", text: "前半部分" }] };
      const { response, text } = await post({ id, continue: true, messages: [cut], settings: { system: "简洁" } });
      expect(response.status).toBe(200);
      const parts = partsOf(text);
      expect(parts[0]).toMatchObject({ type: "start", messageId: cutId });
      expect(deltaText(parts)).toBe("后半部分。");
      expect((chatRequests(sim)[1]?.body as { messages: unknown }).messages).toEqual([
        { role: "system", content: "简洁" },
        { role: "user", content: "写一篇长文" },
        { role: "assistant", content: "前半部分" },
        { role: "user", content: "请从上次中断处继续，不要重复已写内容。" },
      ]);
    });

    it("sends model, messages, stream, user and tools only when no settings are given; DEFAULT_MODEL when none is named", async () => {
      sim.script([
        { kind: "stream", text: "ok" },
        { kind: "stream", text: "ok" },
        { kind: "stream", text: "ok" },
      ]);
      await post(goodBody());
      expect(Object.keys(chatRequests(sim)[0]?.body as object).sort()).toEqual([
        "messages",
        "model",
        "stream",
        "tools",
        "user",
      ]);
      expect((await post({ id: nextChatId(), messages: [userMessage("hi")] })).response.status).toBe(200);
      expect((chatRequests(sim)[1]?.body as { model: string }).model).toBe("glm-5-1");
      await post(goodBody({ model: "kimi-k2-6", settings: { thinking: true } }));
      expect(chatRequests(sim)[2]?.body).not.toHaveProperty("thinking");
    });

    it("names the user upstream by a salted hash of their id, stable per user, never the id itself", async () => {
      const bob = await h.app.signIn();
      sim.script([
        { kind: "stream", text: "a" },
        { kind: "stream", text: "b" },
        { kind: "stream", text: "c" },
      ]);
      await post(goodBody());
      await post(goodBody());
      await postChat(h, bob, goodBody());
      const users = chatRequests(sim).map((r) => (r.body as { user: string }).user);
      for (const user of users) expect(user).toMatch(/^u_[0-9a-f]{32}$/);
      expect(users[0]).not.toContain(alice.id);
      expect(users[0]).toBe(users[1]);
      expect(users[2]).not.toBe(users[0]);
    });

    it("relays a gateway refusal as an error chunk, and keeps partial text when the stream fails", async () => {
      sim.script([
        { kind: "http-error", status: 400, body: { error: { code: "1301", message: "不安全或敏感内容" } } },
        {
          kind: "stream",
          chunks: [{ content: "前半" }, { content: "段" }, { content: "never" }],
          errorFrameAfter: 2,
          errorFrame: { code: "server_error", message: "model crashed" },
        },
        { kind: "http-error", status: 401, code: "invalid_api_key", message: `Incorrect API key provided: ${KEY}` },
      ]);
      const refused = partsOf((await post(goodBody())).text);
      const error = JSON.parse(String(refused.find((p) => p.type === "error")?.errorText)) as AppErrorPayload;
      expect(error.code).toBe("content_filtered");
      const failed = partsOf((await post(goodBody())).text);
      expect(deltaText(failed)).toBe("前半段");
      expect(failed.find((p) => p.type === "message-metadata")?.messageMetadata).toMatchObject({
        status: "interrupted",
        error: { code: "stream_interrupted" },
      });
      const badKey = partsOf((await post(goodBody())).text);
      expect((JSON.parse(String(badKey.find((p) => p.type === "error")?.errorText)) as AppErrorPayload).code).toBe(
        "invalid_api_key",
      );
      await waitFor(() => (chatRequests(sim).length === 3 ? true : undefined), "three gateway calls");
    });
  });
});
