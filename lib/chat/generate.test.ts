import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema, type UIMessageChunk } from "ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError, type AppErrorPayload } from "@/lib/errors";
import type { GatewayStream, OpenStreamOptions } from "@/lib/gateway/client";
import type { WireChatRequest, WireChunk, WireFinishReason, WireUsage } from "@/lib/gateway/wire";
import { sseJson } from "@/test/sse";
import { generationResponse, openUpstreamEarly, startGeneration, type GenerateInput } from "./generate";
import { MemoryGenerationRegistry, type Generation, type GenerationOutcome } from "./generation";
import type { ChatUIMessage } from "./types";
import { UI_STREAM_HEADERS } from "./ui-stream";

const REQUEST: WireChatRequest = { model: "glm-5-1", messages: [{ role: "user", content: "你好" }], stream: true };
const USAGE: WireUsage = {
  prompt_tokens: 12,
  completion_tokens: 7,
  total_tokens: 19,
  prompt_tokens_details: { cached_tokens: 4 },
};
const CHAT_USAGE = { promptTokens: 12, completionTokens: 7, cachedTokens: 4, totalTokens: 19 };

const chunk = (
  delta: { content?: string; reasoning_content?: string },
  finish: WireFinishReason | null = null,
  usage?: WireUsage,
): WireChunk => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "glm-5-1",
  choices: [{ index: 0, delta: { role: "assistant", ...delta }, finish_reason: finish }],
  ...(usage ? { usage } : {}),
});
const usageOnly = (usage: WireUsage): WireChunk => ({ ...chunk({}), choices: [], usage });

type Script = (emit: (chunk: WireChunk) => void, signal: AbortSignal) => Promise<void>;

/** An `open` whose stream plays a script; consume resolves quietly on abort, as the real client does. */
function fakeOpen(script: Script) {
  const calls: Array<{ body: WireChatRequest; options: OpenStreamOptions }> = [];
  const open = vi.fn(async (body: WireChatRequest, options: OpenStreamOptions): Promise<GatewayStream> => {
    calls.push({ body, options });
    return {
      rate: { remaining: 9.5 },
      attempts: 1,
      consume: (onChunk) => script(onChunk, options.signal),
    };
  });
  return { open, calls };
}

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });

function begin(input: Partial<GenerateInput> & Pick<GenerateInput, "open">) {
  const registry = new MemoryGenerationRegistry();
  let resolveFinish!: (value: { outcome: GenerationOutcome; generation: Generation }) => void;
  const finished = new Promise<{ outcome: GenerationOutcome; generation: Generation }>((r) => (resolveFinish = r));
  const generation = startGeneration({
    chatId: "chat-1",
    messageId: "msg-1",
    ownerId: "owner-1",
    request: REQUEST,
    registry,
    coalesceMs: 0,
    ...input,
    onFinish: async (outcome, g) => {
      await input.onFinish?.(outcome, g);
      resolveFinish({ outcome, generation: g });
    },
  });
  return { generation, registry, finished };
}

async function bodyOf(generation: Generation) {
  const response = generationResponse(generation, { ...UI_STREAM_HEADERS });
  const text = await response.text();
  return { response, text, parts: sseJson(text) };
}

const types = (parts: ReturnType<typeof sseJson>) => parts.map((p) => (p === "[DONE]" ? p : p.type));
const find = (parts: ReturnType<typeof sseJson>, type: string) =>
  parts.find((p): p is Record<string, unknown> => p !== "[DONE]" && p.type === type);
const textOf = (parts: ReturnType<typeof sseJson>, type: "text-delta" | "reasoning-delta") =>
  parts.map((p) => (p !== "[DONE]" && p.type === type ? String(p.delta) : "")).join("");

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("startGeneration: storing before the end", () => {
  it("ends the response only after persist has stored the outcome, then runs onFinish", async () => {
    // Found by the load suite on PostgreSQL: a follow-up sent the moment a stream closed could find
    // the previous reply still 'streaming' in the database.
    const { open } = fakeOpen(async (emit) => {
      emit(chunk({ content: "结束了。" }));
      emit(chunk({}, "stop", USAGE));
    });
    const order: string[] = [];
    let release!: () => void;
    const stored = new Promise<void>((r) => (release = r));
    const { generation, finished } = begin({
      open,
      persist: async (outcome) => {
        order.push(`persist:${outcome.status}`);
        await stored;
        order.push("persisted");
      },
      onFinish: () => {
        order.push("onFinish");
      },
    });
    const body = bodyOf(generation).then((b) => {
      order.push("response ended");
      return b;
    });
    await vi.waitFor(() => expect(order).toEqual(["persist:done"]));
    // Nothing has ended while the outcome is being stored.
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(["persist:done"]);
    expect(generation.done).toBe(false);
    release();
    const { parts } = await body;
    await finished;
    expect(order.slice(0, 2)).toEqual(["persist:done", "persisted"]);
    expect(order.slice(2).sort()).toEqual(["onFinish", "response ended"]);
    expect(find(parts, "finish")).toBeDefined();
  });
});

describe("startGeneration: a full reply", () => {
  const script: Script = async (emit) => {
    emit(chunk({ reasoning_content: "用户在" }));
    emit(chunk({ reasoning_content: "打招呼。" }));
    emit(chunk({ content: "你好！" }));
    emit(chunk({ content: "有什么可以帮你？" }));
    emit(chunk({}, "stop", USAGE));
  };

  it("emits start, step, reasoning, text, finish with metadata, then [DONE]", async () => {
    const { open } = fakeOpen(script);
    const { generation, finished } = begin({ open });
    const { response, parts } = await bodyOf(generation);
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect(types(parts)).toEqual([
      "start",
      "start-step",
      "reasoning-start",
      "reasoning-delta",
      "reasoning-delta",
      "reasoning-end",
      "text-start",
      "text-delta",
      "text-delta",
      "text-end",
      "finish-step",
      "finish",
      "[DONE]",
    ]);
    expect(parts[0]).toEqual({
      type: "start",
      messageId: "msg-1",
      messageMetadata: { model: "glm-5-1", createdAt: generation.startedAt },
    });
    expect(textOf(parts, "reasoning-delta")).toBe("用户在打招呼。");
    expect(textOf(parts, "text-delta")).toBe("你好！有什么可以帮你？");
    expect(find(parts, "finish")).toEqual({
      type: "finish",
      finishReason: "stop",
      messageMetadata: { status: "done", finishReason: "stop", usage: CHAT_USAGE },
    });

    const { outcome } = await finished;
    expect(outcome).toEqual({
      status: "done",
      text: "你好！有什么可以帮你？",
      reasoning: "用户在打招呼。",
      finishReason: "stop",
      usage: CHAT_USAGE,
    });
    expect(generation.rate).toEqual({ remaining: 9.5 });
    expect(generation.done).toBe(true);
  });

  it("produces a stream the AI SDK's own parser accepts and assembles", async () => {
    const { open } = fakeOpen(script);
    const { generation } = begin({ open });
    const response = generationResponse(generation, { ...UI_STREAM_HEADERS });
    const chunks = parseJsonEventStream({ stream: response.body!, schema: uiMessageChunkSchema }).pipeThrough(
      new TransformStream({
        transform(result, controller) {
          if (!result.success) throw result.error;
          controller.enqueue(result.value as UIMessageChunk);
        },
      }),
    );
    let last: ChatUIMessage | undefined;
    for await (const message of readUIMessageStream<ChatUIMessage>({ stream: chunks, terminateOnError: true })) {
      last = message;
    }
    expect(last?.id).toBe("msg-1");
    expect(last?.parts.filter((p) => p.type === "reasoning" || p.type === "text")).toMatchObject([
      { type: "reasoning", text: "用户在打招呼。", state: "done" },
      { type: "text", text: "你好！有什么可以帮你？", state: "done" },
    ]);
    expect(last?.metadata).toMatchObject({ model: "glm-5-1", status: "done", usage: CHAT_USAGE });
  });

  it("takes usage from a trailing chunk with choices: []", async () => {
    const { open } = fakeOpen(async (emit) => {
      emit(chunk({ content: "好" }));
      emit(chunk({}, "stop"));
      emit(usageOnly({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 }));
    });
    const { generation, finished } = begin({ open });
    const { parts } = await bodyOf(generation);
    expect(find(parts, "finish")?.messageMetadata).toEqual({
      status: "done",
      finishReason: "stop",
      usage: { promptTokens: 3, completionTokens: 1, cachedTokens: 0, totalTokens: 4 },
    });
    expect((await finished).outcome.usage?.totalTokens).toBe(4);
  });

  it("reports finish_reason length so the UI can offer to continue", async () => {
    const { open } = fakeOpen(async (emit) => {
      emit(chunk({ content: "很长的" }));
      emit(chunk({}, "length", USAGE));
    });
    const { generation } = begin({ open });
    const { parts } = await bodyOf(generation);
    expect(find(parts, "finish")).toMatchObject({
      finishReason: "length",
      messageMetadata: { status: "done", finishReason: "length" },
    });
  });

  it("coalesces deltas by default without losing text", async () => {
    vi.useFakeTimers();
    const pieces = Array.from({ length: 40 }, (_, i) => `字${i}`);
    const { open } = fakeOpen(async (emit) => {
      for (const piece of pieces) {
        emit(chunk({ content: piece }));
        await vi.advanceTimersByTimeAsync(5);
      }
      emit(chunk({}, "stop"));
    });
    const { generation, finished } = begin({ open, coalesceMs: undefined });
    await vi.advanceTimersByTimeAsync(0);
    await finished;
    const { parts } = await bodyOf(generation);
    expect(textOf(parts, "text-delta")).toBe(pieces.join(""));
    expect(parts.filter((p) => p !== "[DONE]" && p.type === "text-delta").length).toBeLessThan(pieces.length / 2);
  });

  it("passes the request through untouched", async () => {
    const { open, calls } = fakeOpen(async (emit) => emit(chunk({}, "stop")));
    const { finished } = begin({ open });
    await finished;
    expect(calls[0]?.body).toBe(REQUEST);
  });
});

describe("startGeneration: failures", () => {
  function errorPayload(parts: ReturnType<typeof sseJson>): AppErrorPayload {
    const error = find(parts, "error");
    expect(error).toBeDefined();
    return JSON.parse(String(error?.errorText)) as AppErrorPayload;
  }

  it("keeps partial text and marks the message interrupted on a mid-stream error", async () => {
    const { open } = fakeOpen(async (emit) => {
      emit(chunk({ content: "前半" }));
      emit(chunk({ content: "段" }, null, USAGE));
      throw new AppError("stream_interrupted", { detail: "upstream reset" });
    });
    const { generation, finished } = begin({ open });
    const { parts } = await bodyOf(generation);
    expect(types(parts)).toEqual([
      "start",
      "start-step",
      "text-start",
      "text-delta",
      "text-delta",
      "text-end",
      "message-metadata",
      "error",
      "[DONE]",
    ]);
    expect(textOf(parts, "text-delta")).toBe("前半段");
    const expected = new AppError("stream_interrupted", { detail: "upstream reset" }).toPayload();
    expect(find(parts, "message-metadata")?.messageMetadata).toEqual({
      status: "interrupted",
      error: expected,
      usage: CHAT_USAGE,
    });
    expect(errorPayload(parts)).toEqual(expected);

    const { outcome } = await finished;
    expect(outcome).toMatchObject({ status: "interrupted", text: "前半段", error: { code: "stream_interrupted" } });
  });

  it("marks the message error when it failed before any text", async () => {
    const resetAt = "09:07";
    const open = vi.fn(async () => {
      throw new AppError("rate_limited", { resetAt });
    });
    const { generation, finished } = begin({ open });
    const { parts } = await bodyOf(generation);
    expect(types(parts)).toEqual(["start", "start-step", "message-metadata", "error", "[DONE]"]);
    expect(find(parts, "message-metadata")?.messageMetadata).toMatchObject({
      status: "error",
      error: { code: "rate_limited", params: { resetAt }, retryable: true },
    });
    const payload = errorPayload(parts);
    expect(payload.code).toBe("rate_limited");
    expect(payload.message.en).toContain("09:07");
    expect(payload.message["zh-CN"]).toContain("09:07");
    expect((await finished).outcome).toMatchObject({ status: "error", text: "", error: { code: "rate_limited" } });
  });

  it("counts reasoning alone as partial output", async () => {
    const { open } = fakeOpen(async (emit) => {
      emit(chunk({ reasoning_content: "想" }));
      throw new AppError("stream_interrupted", { detail: "connection lost" });
    });
    const { finished } = begin({ open });
    expect((await finished).outcome).toMatchObject({ status: "interrupted", reasoning: "想" });
  });

  it("turns finish_reason sensitive into content_filtered after the partial text", async () => {
    const { open } = fakeOpen(async (emit) => {
      emit(chunk({ content: "好的，关于" }));
      emit(chunk({}, "sensitive", USAGE));
    });
    const { generation, finished } = begin({ open });
    const { parts } = await bodyOf(generation);
    expect(textOf(parts, "text-delta")).toBe("好的，关于");
    expect(types(parts)).not.toContain("finish");
    expect(types(parts).slice(-3)).toEqual(["message-metadata", "error", "[DONE]"]);
    expect(find(parts, "message-metadata")?.messageMetadata).toMatchObject({
      status: "interrupted",
      finishReason: "sensitive",
      error: { code: "content_filtered" },
    });
    expect(errorPayload(parts).code).toBe("content_filtered");
    expect((await finished).outcome).toMatchObject({
      status: "interrupted",
      finishReason: "sensitive",
      text: "好的，关于",
      error: { code: "content_filtered", retryable: false },
    });
  });

  it("turns finish_reason network_error into stream_interrupted", async () => {
    const { open } = fakeOpen(async (emit) => {
      emit(chunk({ content: "a" }));
      emit(chunk({}, "network_error"));
    });
    const { finished } = begin({ open });
    expect((await finished).outcome).toMatchObject({ status: "interrupted", error: { code: "stream_interrupted" } });
  });

  it("reports an unexpected exception as internal, without its message", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const open = vi.fn(async () => {
      throw new Error("secret internals at /srv/app");
    });
    const { generation, finished } = begin({ open });
    const { text } = await bodyOf(generation);
    expect(text).not.toContain("secret internals");
    expect((await finished).outcome.error?.code).toBe("internal");
  });
});

describe("startGeneration: stop and subscribers", () => {
  it("stop() aborts the open() signal and ends with an abort chunk", async () => {
    const { open, calls } = fakeOpen(async (emit, signal) => {
      emit(chunk({ content: "部分" }));
      await untilAborted(signal);
    });
    const { generation, finished } = begin({ open });
    const body = bodyOf(generation);
    await vi.waitFor(() => expect(generation.text).toBe("部分"));
    generation.stop();
    const { parts } = await body;
    expect(calls[0]?.options.signal.aborted).toBe(true);
    expect(types(parts).slice(-5)).toEqual(["text-delta", "text-end", "message-metadata", "abort", "[DONE]"]);
    expect(find(parts, "message-metadata")?.messageMetadata).toEqual({
      status: "interrupted",
      finishReason: "aborted",
    });
    expect(find(parts, "abort")).toEqual({ type: "abort", reason: "stopped" });
    expect(types(parts)).not.toContain("error");
    expect((await finished).outcome).toEqual({
      status: "interrupted",
      finishReason: "aborted",
      text: "部分",
      reasoning: "",
    });
  });

  it("stop() while the request is still opening (e.g. in a retry backoff) ends with abort, not an error", async () => {
    const open = vi.fn(
      (_body: WireChatRequest, options: OpenStreamOptions) =>
        new Promise<GatewayStream>((_, reject) =>
          options.signal.addEventListener("abort", () => reject(options.signal.reason), { once: true }),
        ),
    );
    const { generation, finished } = begin({ open });
    generation.stop();
    const { parts } = await bodyOf(generation);
    expect(types(parts)).toEqual(["start", "start-step", "message-metadata", "abort", "[DONE]"]);
    expect((await finished).outcome).toMatchObject({ status: "interrupted", finishReason: "aborted", text: "" });
  });

  it("keeps generating when the browser closes its stream (tab closed)", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { open, calls } = fakeOpen(async (emit) => {
      emit(chunk({ content: "第一段" }));
      await gate;
      emit(chunk({ content: "第二段" }));
      emit(chunk({}, "stop", USAGE));
    });
    const { generation, finished } = begin({ open });
    const reader = generationResponse(generation, { ...UI_STREAM_HEADERS }).body!.getReader();
    await reader.read();
    await vi.waitFor(() => expect(generation.text).toBe("第一段"));
    expect(generation.listenerCount).toBe(1);
    await reader.cancel();
    expect(generation.listenerCount).toBe(0);
    release();
    const { outcome } = await finished;
    expect(calls[0]?.options.signal.aborted).toBe(false);
    expect(outcome).toMatchObject({ status: "done", text: "第一段第二段" });
  });

  it("replays everything to a late subscriber, mid-stream and after the end", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { open } = fakeOpen(async (emit) => {
      emit(chunk({ reasoning_content: "想" }));
      emit(chunk({ content: "一" }));
      await gate;
      emit(chunk({ content: "二" }));
      emit(chunk({}, "stop"));
    });
    const { generation, finished } = begin({ open });
    const early = bodyOf(generation);
    await vi.waitFor(() => expect(generation.text).toBe("一"));
    const midway = bodyOf(generation);
    release();
    await finished;
    const after = await bodyOf(generation);
    const { text: earlyText } = await early;
    expect((await midway).text).toBe(earlyText);
    expect(after.text).toBe(earlyText);
    expect(sseJson(earlyText).at(-1)).toBe("[DONE]");
  });

  it("hands the outcome and the generation to onFinish, and survives onFinish throwing", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    const onFinish = vi.fn(() => {
      throw new Error("db down");
    });
    const { open } = fakeOpen(async (emit) => {
      emit(chunk({ content: "x" }));
      emit(chunk({}, "stop"));
    });
    const generation = startGeneration({
      chatId: "chat-1",
      messageId: "msg-1",
      ownerId: "owner-1",
      request: REQUEST,
      registry: new MemoryGenerationRegistry(),
      open,
      onFinish,
    });
    await vi.waitFor(() => expect(consoleError).toHaveBeenCalledWith("[chat] onFinish failed", expect.any(Error)));
    expect(onFinish).toHaveBeenCalledWith(
      { status: "done", text: "x", reasoning: "", finishReason: "stop" },
      generation,
    );
    expect(generation.outcome?.status).toBe("done");
  });

  it("registers the generation, and a new reply in the same chat supersedes a running one", async () => {
    const registry = new MemoryGenerationRegistry();
    const first = fakeOpen(async (emit, signal) => {
      emit(chunk({ content: "旧" }));
      await untilAborted(signal);
    });
    const one = startGeneration({
      chatId: "c",
      messageId: "m1",
      ownerId: "o",
      request: REQUEST,
      registry,
      open: first.open,
    });
    expect(registry.get("c")).toBe(one);
    const second = fakeOpen(async (emit) => emit(chunk({}, "stop")));
    const two = startGeneration({
      chatId: "c",
      messageId: "m2",
      ownerId: "o",
      request: REQUEST,
      registry,
      open: second.open,
    });
    expect(registry.get("c")).toBe(two);
    expect(one.signal.aborted).toBe(true);
    await vi.waitFor(() => expect(one.outcome?.finishReason).toBe("aborted"));
    expect(registry.size()).toBe(1);
  });
});

describe("openUpstreamEarly", () => {
  it("sends the request at once and gives its stream to the generation's first step, which Stop then cancels", async () => {
    const { open, calls } = fakeOpen(async (emit, signal) => {
      emit(chunk({ content: "早" }));
      await untilAborted(signal);
    });
    const early = openUpstreamEarly(REQUEST, open);
    // Sent before any generation exists (the turn's rows are written meanwhile).
    expect(calls).toHaveLength(1);
    await early.sent;
    const { generation, finished } = begin({ open: early.open });
    await vi.waitFor(() => expect(generation.text).toBe("早"));
    // One request: the generation took the early one instead of opening its own.
    expect(calls).toHaveLength(1);
    early.cancel(); // taken: no longer the caller's to cancel
    expect(calls[0]!.options.signal.aborted).toBe(false);
    generation.stop();
    const { outcome } = await finished;
    expect(outcome.status).toBe("interrupted");
    expect(calls[0]!.options.signal.aborted).toBe(true);
  });

  it("cancels the request when the turn is refused before a generation takes it", () => {
    const { open, calls } = fakeOpen(async (_emit, signal) => untilAborted(signal));
    const early = openUpstreamEarly(REQUEST, open);
    early.cancel();
    expect(calls[0]!.options.signal.aborted).toBe(true);
  });

  it("leaves every other request (a later tool step, another body) to open its own", async () => {
    const { open, calls } = fakeOpen(async () => {});
    const early = openUpstreamEarly(REQUEST, open);
    const other: WireChatRequest = { ...REQUEST, messages: [...REQUEST.messages] };
    await early.open(other, { signal: new AbortController().signal });
    expect(calls.map((c) => c.body)).toEqual([REQUEST, other]);
    expect(calls[1]!.body).toBe(other);
  });
});
