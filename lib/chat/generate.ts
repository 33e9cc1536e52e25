import "server-only";
import type { DynamicToolUIPart, FinishReason } from "ai";
import { AppError, toAppError, type AppErrorPayload } from "@/lib/errors";
import { openChatStream, type OpenStreamOptions, type GatewayStream } from "@/lib/gateway/client";
import type { WireChatRequest, WireChunk, WireToolCall, WireUsage } from "@/lib/gateway/wire";
import { chatTools, type ToolRegistry } from "@/lib/tools/registry";
import {
  afterReply,
  Generation,
  generationRegistry,
  type GenerationOutcome,
  type GenerationRegistry,
} from "./generation";
import type { ChatFinishReason, ChatMessageMetadata, ChatUsage } from "./types";
import {
  addUsage,
  MAX_TOOL_STEPS,
  runToolCalls,
  stepParts,
  ToolCallCollector,
  toolInput,
  toolMessages,
  type ChatPart,
  type StepRecord,
  type ToolRun,
} from "./tool-steps";
import { UiStreamWriter } from "./ui-stream";

// Runs one reply, relayed as UI message stream frames into the generation: one upstream stream per
// step. When the model calls tools, the server runs them, adds their results to the conversation and
// asks again (a new step), up to MAX_TOOL_STEPS.

export interface GenerateInput {
  chatId: string;
  messageId: string;
  /** The requester's id; see Generation.ownerId. */
  ownerId: string;
  request: WireChatRequest;
  /** Extra metadata for the reply's start frame (e.g. how many older images were left out of the request). */
  startMetadata?: Pick<ChatMessageMetadata, "droppedImages">;
  registry?: GenerationRegistry;
  /** Swappable for tests and benchmarks; production uses the gateway client. */
  open?: (body: WireChatRequest, options: OpenStreamOptions) => Promise<GatewayStream>;
  /**
   * Stores the outcome before the response ends: a browser (or script) that sends its next question
   * the moment the stream closes must find this reply final in the database.
   */
  persist?: (outcome: GenerationOutcome, generation: Generation) => Promise<void>;
  onFinish?: (outcome: GenerationOutcome, generation: Generation) => void | Promise<void>;
  coalesceMs?: number;
  /** Runs the model's tool calls when the request offers tools; the chat tools by default. */
  tools?: ToolRegistry;
  /** Most upstream requests for this reply (tool steps); MAX_TOOL_STEPS by default. */
  maxSteps?: number;
}

export function toChatUsage(usage: WireUsage): ChatUsage {
  return {
    promptTokens: usage.prompt_tokens ?? 0,
    completionTokens: usage.completion_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    totalTokens: usage.total_tokens ?? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0),
  };
}

const SDK_FINISH: Record<ChatFinishReason, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  sensitive: "content-filter",
  network_error: "error",
  aborted: "other",
};

/**
 * Node's own fetch for the gateway calls that take a fetch (the title's completion; the reply's stream uses the
 * gateway client's keep-alive transport): Next replaces the global one with a wrapper (a tracing span, cache
 * bookkeeping for pages) that a streamed POST to the gateway never uses. A test's stub is used as it is.
 */
export function nodeFetch(): typeof fetch {
  const global = globalThis.fetch as typeof fetch & { _nextOriginalFetch?: typeof fetch };
  return global._nextOriginalFetch ?? global;
}

/** A reply's first upstream request, sent before its generation starts (lib/chat/chat-post.ts: while the turn is stored). */
export interface EarlyUpstream {
  /**
   * Resolves once the request has been handed to its connection: the gateway client's transport writes it to a
   * kept-alive socket on the next tick, so synchronous work after this (the turn's database write) does not hold it.
   */
  sent: Promise<void>;
  /** For startGeneration: the first step gets this request's stream (Stop then cancels it); other requests open their own. */
  open: NonNullable<GenerateInput["open"]>;
  /** Cancels the request unless a generation has taken it (the turn was refused, or failed to start). */
  cancel(): void;
}

export function openUpstreamEarly(request: WireChatRequest, openStream = openChatStream): EarlyUpstream {
  const controller = new AbortController();
  const pending = openStream(request, { signal: controller.signal });
  // Seen by the generation that takes it; a cancelled one's rejection is expected.
  pending.catch(() => {});
  let taken = false;
  return {
    sent: new Promise((resolve) => process.nextTick(resolve)),
    open: (body, options) => {
      if (taken || body !== request) return openStream(body, options);
      taken = true;
      const follow = () => controller.abort(options.signal.reason);
      if (options.signal.aborted) follow();
      else options.signal.addEventListener("abort", follow, { once: true });
      return pending;
    },
    cancel: () => {
      if (!taken) controller.abort(new DOMException("the turn was not stored", "AbortError"));
    },
  };
}

export function startGeneration(input: GenerateInput): Generation {
  const registry = input.registry ?? generationRegistry();
  const generation = new Generation(input.chatId, input.messageId, input.request.model, input.ownerId);
  registry.register(generation);
  void run(generation, input).finally(() => registry.release(generation));
  return generation;
}

async function run(generation: Generation, input: GenerateInput): Promise<void> {
  const writer = new UiStreamWriter((frame) => generation.emit(frame), input.coalesceMs);
  const signal = generation.signal;
  // Tools run only when the request offers them (the route leaves them out when a chat turned them off).
  const registry = input.request.tools?.length ? (input.tools ?? chatTools) : undefined;
  const maxSteps = registry ? Math.max(1, input.maxSteps ?? MAX_TOOL_STEPS) : 1;
  const messages = [...input.request.messages];
  const steps: StepRecord[] = [];
  let finishReason: ChatFinishReason | undefined;
  let usage: ChatUsage | undefined;
  let stepUsage: WireUsage | undefined;
  let step: StepRecord = { reasoning: "", text: "", tools: [] };
  generation.partsSoFar = () => withParts(steps.includes(step) ? steps : [...steps, step]).parts;
  let calls = new ToolCallCollector();
  const usageSoFar = () => (stepUsage ? addUsage(usage, stepUsage) : usage);

  const onChunk = (chunk: WireChunk) => {
    if (chunk.usage) stepUsage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta;
    if (delta?.reasoning_content) {
      generation.reasoning += delta.reasoning_content;
      step.reasoning += delta.reasoning_content;
      writer.delta("reasoning", delta.reasoning_content);
    }
    if (delta?.content) {
      generation.text += delta.content;
      step.text += delta.content;
      writer.delta("text", delta.content);
    }
    if (delta?.tool_calls?.length) calls.add(delta.tool_calls);
    if (choice.finish_reason) finishReason = choice.finish_reason;
  };

  writer.write({
    type: "start",
    messageId: generation.messageId,
    messageMetadata: { model: generation.model, createdAt: generation.startedAt, ...input.startMetadata },
  });

  let outcome: GenerationOutcome;
  try {
    for (let index = 0; ; index++) {
      const last = index === maxSteps - 1;
      // The final allowed step must answer: the model is told not to call tools again.
      const request: WireChatRequest =
        index === 0 ? input.request : { ...input.request, messages, ...(last ? { tool_choice: "none" } : {}) };
      writer.write({ type: "start-step" });
      finishReason = undefined;
      // The gateway client's own transport (keep-alive node:http, lib/gateway/http-fetch.ts).
      const stream = await (input.open ?? openChatStream)(request, { signal });
      generation.rate = stream.rate;
      await stream.consume(onChunk);
      if (signal.aborted) throw signal.reason;
      writer.endPart();
      steps.push(step);
      if (stepUsage) usage = addUsage(usage, stepUsage);
      stepUsage = undefined;
      const toolCalls = registry && calls.size > 0 ? calls.list(index) : [];
      if (toolCalls.length > 0) {
        const runs = await runStepTools(writer, step, registry!, toolCalls, last);
        if (signal.aborted) throw signal.reason;
        messages.push(...toolMessages(step.text, runs));
      }
      writer.write({ type: "finish-step" });
      if (toolCalls.length === 0 || last) break;
      step = { reasoning: "", text: "", tools: [] };
      calls = new ToolCallCollector();
    }
    if (finishReason === "sensitive") throw new AppError("content_filtered");
    if (finishReason === "network_error") throw new AppError("stream_interrupted", { detail: "network_error" });
    const reason = finishReason ?? "stop";
    outcome = {
      status: "done",
      text: generation.text,
      reasoning: generation.reasoning,
      finishReason: reason,
      usage,
      ...withParts(steps),
    };
    writer.write({
      type: "finish",
      finishReason: SDK_FINISH[reason],
      messageMetadata: { status: "done", finishReason: reason, ...(usage ? { usage } : {}) },
    });
  } catch (err) {
    writer.endPart();
    if (!steps.includes(step)) steps.push(step);
    const spent = usageSoFar();
    const kept = { ...partial(generation, spent), ...withParts(steps) };
    if (signal.aborted) {
      outcome = { ...kept, status: "interrupted", finishReason: "aborted" };
      writer.write({
        type: "message-metadata",
        messageMetadata: { status: "interrupted", finishReason: "aborted", ...(spent ? { usage: spent } : {}) },
      });
      writer.write({ type: "abort", reason: "stopped" });
    } else {
      const error: AppErrorPayload = toAppError(err).toPayload();
      const status = generation.text || generation.reasoning ? "interrupted" : "error";
      outcome = { ...kept, status, error, ...(finishReason ? { finishReason } : {}) };
      writer.write({
        type: "message-metadata",
        messageMetadata: {
          status,
          error,
          ...(finishReason ? { finishReason } : {}),
          ...(spent ? { usage: spent } : {}),
        },
      });
      writer.write({ type: "error", errorText: JSON.stringify(error) });
    }
  }
  generation.outcome = outcome;
  try {
    await input.persist?.(outcome, generation);
  } catch (err) {
    console.error("[chat] storing the reply failed", err);
  }
  writer.close();
  generation.end();
  // Counted as after-work, so whatever closes the database waits for it (generation.ts).
  const finishing = (async () => input.onFinish?.(outcome, generation))().catch((err: unknown) => {
    console.error("[chat] onFinish failed", err);
  });
  afterReply(finishing);
  await finishing;
}

/**
 * Shows the step's calls as tool parts (dynamic: the browser needs no tool schemas), runs them in
 * parallel and shows each result or error with its duration. Past the step limit nothing runs: each
 * call gets an error saying so.
 */
async function runStepTools(
  writer: UiStreamWriter,
  step: StepRecord,
  registry: ToolRegistry,
  calls: WireToolCall[],
  overLimit: boolean,
): Promise<ToolRun[]> {
  for (const call of calls) {
    const part: DynamicToolUIPart = {
      type: "dynamic-tool",
      toolCallId: call.id,
      toolName: call.function.name,
      state: "input-available",
      input: toolInput(call),
    };
    step.tools.push(part);
    writer.write({
      type: "tool-input-available",
      toolCallId: call.id,
      toolName: part.toolName,
      input: part.input,
      dynamic: true,
    });
  }
  const finish = (run: ToolRun) => {
    const at = step.tools.findIndex((p) => p.toolCallId === run.call.id);
    const { toolCallId, toolName, input } = step.tools[at]!;
    const toolMetadata = { durationMs: run.durationMs };
    const base = { type: "dynamic-tool" as const, toolCallId, toolName, input, toolMetadata };
    step.tools[at] = run.ok
      ? { ...base, state: "output-available", output: run.output }
      : { ...base, state: "output-error", errorText: run.error ?? "" };
    writer.write(
      run.ok
        ? { type: "tool-output-available", toolCallId: run.call.id, output: run.output, dynamic: true, toolMetadata }
        : {
            type: "tool-output-error",
            toolCallId: run.call.id,
            errorText: run.error ?? "",
            dynamic: true,
            toolMetadata,
          },
    );
  };
  if (overLimit) {
    const runs = calls.map((call) => ({ call, ok: false, error: STEP_LIMIT_ERROR, durationMs: 0 }));
    runs.forEach(finish);
    return runs;
  }
  return runToolCalls(registry, calls, finish);
}

const STEP_LIMIT_ERROR = `已达到单次回答的工具调用步数上限（${MAX_TOOL_STEPS} 步），未执行`;

/** A reply that used tools is stored with all its parts; one that did not keeps its plain shape. */
function withParts(steps: StepRecord[]): { parts?: ChatPart[] } {
  return steps.length > 1 || steps.some((s) => s.tools.length > 0) ? { parts: stepParts(steps) } : {};
}

function partial(generation: Generation, usage: ChatUsage | undefined) {
  return { text: generation.text, reasoning: generation.reasoning, ...(usage ? { usage } : {}) };
}

/**
 * The browser-facing body: replays the generation and follows it live. Closing it never stops the
 * generation. `replay`: a page re-attaching (it also gets what a continued reply held before).
 */
export function generationResponse(
  generation: Generation,
  headers: Record<string, string>,
  options: { replay?: boolean } = {},
): Response {
  const encoder = new TextEncoder();
  let unsubscribe: (() => void) | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      unsubscribe = generation.subscribe((frame) => {
        if (frame === null) {
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
          return;
        }
        try {
          controller.enqueue(encoder.encode(frame));
        } catch {
          unsubscribe?.();
        }
      }, options);
    },
    cancel() {
      unsubscribe?.();
    },
  });
  return new Response(body, { headers });
}
