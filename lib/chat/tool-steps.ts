import type { DynamicToolUIPart } from "ai";
import type { WireChunkDelta, WireMessage, WireToolCall, WireUsage } from "@/lib/gateway/wire";
import type { ToolRegistry } from "@/lib/tools/registry";
import type { ChatUIMessage, ChatUsage } from "./types";

// The pieces of a reply that takes several steps (the model calls tools, the server runs them and
// asks again): tool calls gathered from stream deltas, run in parallel, and the parts to store.

/** Most upstream requests one reply may make; the last one is asked to answer without tools. */
export const MAX_TOOL_STEPS = 5;

export type ChatPart = ChatUIMessage["parts"][number];

/** One step's content as the browser assembles it: reasoning, then text, then its tool calls. */
export interface StepRecord {
  reasoning: string;
  text: string;
  tools: DynamicToolUIPart[];
}

/** Gathers streamed tool calls: whole calls in one delta, or `function.arguments` fragments joined by index. */
export class ToolCallCollector {
  private readonly calls = new Map<number, { id: string; name: string; arguments: string }>();

  add(deltas: NonNullable<WireChunkDelta["tool_calls"]>): void {
    for (const delta of deltas) {
      const index = typeof delta.index === "number" ? delta.index : this.calls.size;
      const call = this.calls.get(index) ?? { id: "", name: "", arguments: "" };
      if (delta.id) call.id = delta.id;
      if (delta.function?.name) call.name = call.name || delta.function.name;
      if (delta.function?.arguments) call.arguments += delta.function.arguments;
      this.calls.set(index, call);
    }
  }

  /** The calls in index order; a call the gateway sent without an id gets one, so its result can refer to it. */
  list(step: number): WireToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({
        id: call.id || `call_${step}_${index}`,
        type: "function" as const,
        function: { name: call.name, arguments: call.arguments },
      }));
  }

  get size(): number {
    return this.calls.size;
  }
}

/** What the card shows as the call's input: the parsed arguments, or the raw text when they are not JSON. */
export function toolInput(call: WireToolCall): unknown {
  try {
    return call.function.arguments.trim() === "" ? {} : JSON.parse(call.function.arguments);
  } catch {
    return call.function.arguments;
  }
}

export interface ToolRun {
  call: WireToolCall;
  ok: boolean;
  output?: unknown;
  error?: string;
  durationMs: number;
}

/** Runs the calls in parallel; `onDone` fires as each one finishes. Never rejects. */
export async function runToolCalls(
  registry: ToolRegistry,
  calls: WireToolCall[],
  onDone: (run: ToolRun) => void,
): Promise<ToolRun[]> {
  return Promise.all(
    calls.map(async (call) => {
      const started = performance.now();
      const result = await registry.run(call.function.name, call.function.arguments);
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const run: ToolRun = result.ok
        ? { call, ok: true, output: result.output, durationMs }
        : { call, ok: false, error: result.error, durationMs };
      onDone(run);
      return run;
    }),
  );
}

/** The assistant turn with its calls and one tool message per result, as the model reads them next. */
export function toolMessages(text: string, runs: ToolRun[]): WireMessage[] {
  return [
    { role: "assistant", content: text === "" ? null : text, tool_calls: runs.map((r) => r.call) },
    ...runs.map((r): WireMessage => ({
      role: "tool",
      tool_call_id: r.call.id,
      content: JSON.stringify(r.ok ? r.output : { error: r.error }),
    })),
  ];
}

/** The stored parts of a reply that used tools: one step-start per step, then what the step showed. */
export function stepParts(steps: StepRecord[]): ChatPart[] {
  return steps.flatMap((step): ChatPart[] => [
    { type: "step-start" },
    ...(step.reasoning ? [{ type: "reasoning" as const, text: step.reasoning, state: "done" as const }] : []),
    ...(step.text ? [{ type: "text" as const, text: step.text, state: "done" as const }] : []),
    ...step.tools,
  ]);
}

/**
 * Usage of several upstream requests: what is billed adds up (completion and total tokens), while
 * the prompt is the last request's, which already held the whole conversation (the context meter
 * reads prompt + completion as the conversation's size).
 */
export function addUsage(previous: ChatUsage | undefined, next: WireUsage): ChatUsage {
  const prompt = next.prompt_tokens ?? 0;
  const completion = next.completion_tokens ?? 0;
  const total = next.total_tokens ?? prompt + completion;
  return {
    promptTokens: prompt,
    completionTokens: (previous?.completionTokens ?? 0) + completion,
    cachedTokens: next.prompt_tokens_details?.cached_tokens ?? 0,
    totalTokens: (previous?.totalTokens ?? 0) + total,
  };
}
