import "server-only";
import type { FinishReason } from "ai";
import { AppError, toAppError, type AppErrorPayload } from "@/lib/errors";
import { openChatStream, type OpenStreamOptions, type GatewayStream } from "@/lib/gateway/client";
import type { WireChatRequest, WireChunk, WireUsage } from "@/lib/gateway/wire";
import { Generation, generationRegistry, type GenerationOutcome, type GenerationRegistry } from "./generation";
import type { ChatFinishReason, ChatUsage } from "./types";
import { UiStreamWriter } from "./ui-stream";

// Runs one reply: one upstream stream, relayed as UI message stream frames into the generation.

export interface GenerateInput {
  chatId: string;
  messageId: string;
  /** The requester's id; see Generation.ownerId. */
  ownerId: string;
  request: WireChatRequest;
  registry?: GenerationRegistry;
  /** Swappable for tests and benchmarks; production uses the gateway client. */
  open?: (body: WireChatRequest, options: OpenStreamOptions) => Promise<GatewayStream>;
  onFinish?: (outcome: GenerationOutcome, generation: Generation) => void | Promise<void>;
  coalesceMs?: number;
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
  let finishReason: ChatFinishReason | undefined;
  let usage: ChatUsage | undefined;

  const onChunk = (chunk: WireChunk) => {
    if (chunk.usage) usage = toChatUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta;
    if (delta?.reasoning_content) {
      generation.reasoning += delta.reasoning_content;
      writer.delta("reasoning", delta.reasoning_content);
    }
    if (delta?.content) {
      generation.text += delta.content;
      writer.delta("text", delta.content);
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  };

  writer.write({
    type: "start",
    messageId: generation.messageId,
    messageMetadata: { model: generation.model, createdAt: generation.startedAt },
  });
  writer.write({ type: "start-step" });

  let outcome: GenerationOutcome;
  try {
    const stream = await (input.open ?? openChatStream)(input.request, { signal });
    generation.rate = stream.rate;
    await stream.consume(onChunk);
    if (signal.aborted) throw signal.reason;
    writer.endPart();
    writer.write({ type: "finish-step" });
    if (finishReason === "sensitive") throw new AppError("content_filtered");
    if (finishReason === "network_error") throw new AppError("stream_interrupted", { detail: "network_error" });
    const reason = finishReason ?? "stop";
    outcome = { status: "done", text: generation.text, reasoning: generation.reasoning, finishReason: reason, usage };
    writer.write({
      type: "finish",
      finishReason: SDK_FINISH[reason],
      messageMetadata: { status: "done", finishReason: reason, ...(usage ? { usage } : {}) },
    });
  } catch (err) {
    writer.endPart();
    if (signal.aborted) {
      outcome = { ...partial(generation, usage), status: "interrupted", finishReason: "aborted" };
      writer.write({
        type: "message-metadata",
        messageMetadata: { status: "interrupted", finishReason: "aborted", ...(usage ? { usage } : {}) },
      });
      writer.write({ type: "abort", reason: "stopped" });
    } else {
      const error: AppErrorPayload = toAppError(err).toPayload();
      const status = generation.text || generation.reasoning ? "interrupted" : "error";
      outcome = { ...partial(generation, usage), status, error, ...(finishReason ? { finishReason } : {}) };
      writer.write({
        type: "message-metadata",
        messageMetadata: { status, error, ...(finishReason ? { finishReason } : {}), ...(usage ? { usage } : {}) },
      });
      writer.write({ type: "error", errorText: JSON.stringify(error) });
    }
  }
  writer.close();
  generation.outcome = outcome;
  generation.end();
  try {
    await input.onFinish?.(outcome, generation);
  } catch (err) {
    console.error("[chat] onFinish failed", err);
  }
}

function partial(generation: Generation, usage: ChatUsage | undefined) {
  return { text: generation.text, reasoning: generation.reasoning, ...(usage ? { usage } : {}) };
}

/** The browser-facing body: replays the generation and follows it live. Closing it never stops the generation. */
export function generationResponse(generation: Generation, headers: Record<string, string>): Response {
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
      });
    },
    cancel() {
      unsubscribe?.();
    },
  });
  return new Response(body, { headers });
}
