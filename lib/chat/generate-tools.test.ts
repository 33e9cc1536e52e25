import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema, type UIMessageChunk } from "ai";
import { describe, expect, it, vi } from "vitest";
import type { GatewayStream } from "@/lib/gateway/client";
import type { WireChatRequest, WireChunk, WireChunkDelta, WireFinishReason, WireUsage } from "@/lib/gateway/wire";
import { chatTools } from "@/lib/tools/registry";
import { sseJson } from "@/test/sse";
import { generationResponse, startGeneration } from "./generate";
import { MemoryGenerationRegistry, type Generation, type GenerationOutcome } from "./generation";
import type { ChatUIMessage } from "./types";
import { UI_STREAM_HEADERS } from "./ui-stream";

// The multi-step tool loop: the model calls tools, the server runs them and asks again.

const REQUEST: WireChatRequest = {
  model: "glm-5-1",
  messages: [{ role: "user", content: "现在几点？再算一下 (3+4)*6" }],
  stream: true,
  tools: chatTools.wireTools(),
};
const usage = (prompt: number, completion: number): WireUsage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});
const chunk = (delta: WireChunkDelta, finish: WireFinishReason | null = null, u?: WireUsage): WireChunk => ({
  id: "c",
  object: "chat.completion.chunk",
  created: 1,
  model: "glm-5-1",
  choices: [{ index: 0, delta: { role: "assistant", ...delta }, finish_reason: finish }],
  ...(u ? { usage: u } : {}),
});
const call = (index: number, id: string, name: string, args: string) => ({
  index,
  id,
  type: "function" as const,
  function: { name, arguments: args },
});

type Script = (emit: (chunk: WireChunk) => void) => void;

/** One script per upstream request, in order; the last one repeats. */
function fakeOpen(...scripts: Script[]) {
  const bodies: WireChatRequest[] = [];
  const open = vi.fn(async (body: WireChatRequest): Promise<GatewayStream> => {
    const script = scripts[Math.min(bodies.length, scripts.length - 1)]!;
    bodies.push(structuredClone(body));
    return { rate: {}, attempts: 1, consume: async (onChunk) => script(onChunk) };
  });
  return { open, bodies };
}

function run(open: ReturnType<typeof fakeOpen>["open"], request = REQUEST, maxSteps?: number) {
  let done!: (value: GenerationOutcome) => void;
  const finished = new Promise<GenerationOutcome>((resolve) => (done = resolve));
  const generation = startGeneration({
    chatId: "chat-tools",
    messageId: "msg-tools",
    ownerId: "owner",
    request,
    registry: new MemoryGenerationRegistry(),
    coalesceMs: 0,
    open,
    ...(maxSteps ? { maxSteps } : {}),
    onFinish: (outcome) => done(outcome),
  });
  return { generation, finished };
}

async function body(generation: Generation) {
  return (await generationResponse(generation, { ...UI_STREAM_HEADERS }).text()) as string;
}

const types = (text: string) => sseJson(text).map((p) => (p === "[DONE]" ? p : String(p.type)));

async function assemble(text: string): Promise<ChatUIMessage> {
  const stream = parseJsonEventStream({
    stream: new Response(text).body!,
    schema: uiMessageChunkSchema,
  }).pipeThrough(
    new TransformStream({
      transform(result, controller) {
        if (result.success) controller.enqueue(result.value as UIMessageChunk);
      },
    }),
  );
  let last: ChatUIMessage | undefined;
  for await (const message of readUIMessageStream<ChatUIMessage>({ stream })) last = message;
  return last!;
}

const parallelCalls: Script = (emit) => {
  emit(chunk({ reasoning_content: "需要查时间并计算。" }));
  emit(
    chunk({
      tool_calls: [
        call(0, "call_time", "current_time", '{"timezone":"Asia/Shanghai"}'),
        call(1, "call_calc", "calculate", '{"expression":"(3+4)*6"}'),
      ],
    }),
  );
  emit(chunk({}, "tool_calls", usage(100, 20)));
};
const answer: Script = (emit) => {
  emit(chunk({ content: "现在是北京时间下午，" }));
  emit(chunk({ content: "(3+4)*6 = 42。" }));
  emit(chunk({}, "stop", usage(160, 15)));
};

describe("the tool loop", () => {
  it("runs parallel calls, feeds both results back with their ids, and streams the final answer", async () => {
    const { open, bodies } = fakeOpen(parallelCalls, answer);
    const { generation, finished } = run(open);
    const text = await body(generation);
    expect(types(text)).toEqual([
      "start",
      "start-step",
      "reasoning-start",
      "reasoning-delta",
      "reasoning-end",
      "tool-input-available",
      "tool-input-available",
      "tool-output-available",
      "tool-output-available",
      "finish-step",
      "start-step",
      "text-start",
      "text-delta",
      "text-delta",
      "text-end",
      "finish-step",
      "finish",
      "[DONE]",
    ]);
    const frames = sseJson(text).filter((p) => p !== "[DONE]");
    expect(frames.filter((p) => p.type === "tool-input-available")).toEqual([
      {
        type: "tool-input-available",
        toolCallId: "call_time",
        toolName: "current_time",
        input: { timezone: "Asia/Shanghai" },
        dynamic: true,
      },
      {
        type: "tool-input-available",
        toolCallId: "call_calc",
        toolName: "calculate",
        input: { expression: "(3+4)*6" },
        dynamic: true,
      },
    ]);

    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual(REQUEST);
    const [, second] = bodies;
    expect(second!.tools).toEqual(REQUEST.tools);
    expect(second!.tool_choice).toBeUndefined();
    expect(second!.messages.slice(1, 2)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_time",
            type: "function",
            function: { name: "current_time", arguments: '{"timezone":"Asia/Shanghai"}' },
          },
          { id: "call_calc", type: "function", function: { name: "calculate", arguments: '{"expression":"(3+4)*6"}' } },
        ],
      },
    ]);
    const results = second!.messages.slice(2);
    expect(results.map((m) => (m.role === "tool" ? m.tool_call_id : m.role))).toEqual(["call_time", "call_calc"]);
    expect(JSON.parse((results[1] as { content: string }).content)).toEqual({ expression: "(3+4)*6", result: 42 });
    expect(JSON.parse((results[0] as { content: string }).content)).toMatchObject({ timeZone: "Asia/Shanghai" });

    const outcome = await finished;
    expect(outcome).toMatchObject({
      status: "done",
      text: "现在是北京时间下午，(3+4)*6 = 42。",
      finishReason: "stop",
      // Billed tokens add up; the prompt is the last request's (the conversation's size).
      usage: { promptTokens: 160, completionTokens: 35, cachedTokens: 0, totalTokens: 295 },
    });
    // What is stored mid-way is built the same way as the final parts.
    expect(generation.partsSoFar()).toEqual(outcome.parts);
    expect(outcome.parts?.map((p) => p.type)).toEqual([
      "step-start",
      "reasoning",
      "dynamic-tool",
      "dynamic-tool",
      "step-start",
      "text",
    ]);

    // What useChat assembles from the stream is what is stored: the parts round-trip.
    const message = await assemble(text);
    // The browser's parts also carry their stream ids, which stored replies never had.
    const strip = (parts: ChatUIMessage["parts"]) =>
      JSON.parse(JSON.stringify(parts.map((p) => ({ ...p, id: undefined, providerMetadata: undefined }))));
    expect(strip(message.parts)).toEqual(strip(outcome.parts!));
    const tool = message.parts.find((p) => p.type === "dynamic-tool" && p.toolName === "calculate");
    expect(tool).toMatchObject({
      state: "output-available",
      output: { result: 42 },
      toolMetadata: { durationMs: expect.any(Number) },
    });
  });

  it("joins streamed argument fragments by index", async () => {
    const fragments: Script = (emit) => {
      emit(chunk({ tool_calls: [call(0, "a", "calculate", '{"expre')] }));
      emit(
        chunk({
          tool_calls: [
            { index: 1, id: "b", type: "function", function: { name: "calculate", arguments: '{"expression"' } },
          ],
        }),
      );
      emit(chunk({ tool_calls: [{ index: 0, function: { arguments: 'ssion":"1+1"}' } }] }));
      emit(chunk({ tool_calls: [{ index: 1, function: { arguments: ':"2*3"}' } }] }));
      emit(chunk({}, "tool_calls"));
    };
    const { open, bodies } = fakeOpen(fragments, answer);
    const { generation, finished } = run(open);
    await body(generation);
    await finished;
    const tools = bodies[1]!.messages.filter((m) => m.role === "tool");
    expect(tools.map((m) => JSON.parse(m.content).result)).toEqual([2, 6]);
  });

  it("shows a failing tool's error and still gives the model a result to explain", async () => {
    const failing: Script = (emit) => {
      emit(chunk({ content: "我来算一下。" }));
      emit(chunk({ tool_calls: [call(0, "bad", "calculate", '{"expression":"1/0"}')] }));
      emit(chunk({}, "tool_calls"));
    };
    const explain: Script = (emit) => {
      emit(chunk({ content: "除数为零，无法计算。" }));
      emit(chunk({}, "stop"));
    };
    const { open, bodies } = fakeOpen(failing, explain);
    const { generation, finished } = run(open);
    const text = await body(generation);
    const error = sseJson(text).find((p) => p !== "[DONE]" && p.type === "tool-output-error");
    expect(error).toMatchObject({ toolCallId: "bad", errorText: "除数不能为零", dynamic: true });
    expect(bodies[1]!.messages.at(-2)).toEqual({
      role: "assistant",
      content: "我来算一下。",
      tool_calls: [{ id: "bad", type: "function", function: { name: "calculate", arguments: '{"expression":"1/0"}' } }],
    });
    expect(bodies[1]!.messages.at(-1)).toEqual({
      role: "tool",
      tool_call_id: "bad",
      content: JSON.stringify({ error: "除数不能为零" }),
    });
    const outcome = await finished;
    expect(outcome.status).toBe("done");
    expect(outcome.text).toBe("我来算一下。除数为零，无法计算。");
    expect(outcome.parts?.find((p) => p.type === "dynamic-tool")).toMatchObject({ state: "output-error" });
  });

  it("stops at the step limit: the last request forbids tools, and calls past it are not run", async () => {
    const always: Script = (emit) => {
      emit(chunk({ tool_calls: [call(0, `c${Math.random()}`, "calculate", '{"expression":"1+1"}')] }));
      emit(chunk({}, "tool_calls"));
    };
    const { open, bodies } = fakeOpen(always);
    const { generation, finished } = run(open, REQUEST, 3);
    const text = await body(generation);
    expect(bodies).toHaveLength(3);
    expect(bodies.map((b) => b.tool_choice)).toEqual([undefined, undefined, "none"]);
    expect(types(text).filter((t) => t === "start-step")).toHaveLength(3);
    const errors = sseJson(text).filter((p) => p !== "[DONE]" && p.type === "tool-output-error");
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as { errorText: string }).errorText)).toMatch(/上限/);
    expect(await finished).toMatchObject({ status: "done", finishReason: "tool_calls" });
  });

  it("ignores tool calls when the request offered no tools", async () => {
    const { open, bodies } = fakeOpen(parallelCalls);
    const { generation, finished } = run(open, { ...REQUEST, tools: undefined });
    const text = await body(generation);
    expect(bodies).toHaveLength(1);
    expect(generation.partsSoFar()).toBeUndefined();
    expect(types(text)).not.toContain("tool-input-available");
    expect((await finished).parts).toBeUndefined();
  });

  it("keeps the tool parts when a later step fails", async () => {
    const { open } = fakeOpen(parallelCalls, () => {
      throw new Error("boom");
    });
    const { generation, finished } = run(open);
    await body(generation);
    const outcome = await finished;
    expect(outcome.status).toBe("interrupted");
    expect(outcome.parts?.filter((p) => p.type === "dynamic-tool")).toHaveLength(2);
  });
});
