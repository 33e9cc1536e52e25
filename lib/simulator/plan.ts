// Turns a demo reply or a scripted response into timed stream steps, with usage estimated from the request.
import type { WireChatRequest, WireFinishReason, WireModel, WireUsage } from "../gateway/wire";
import { buildDemoAnnouncement } from "./demo-announcement";
import { buildDemoJson, buildDemoReply, thinkingEnabled } from "./demo-reply";
import { demoToolAnswer, demoToolCalls } from "./demo-tools";
import type { ScriptedStream } from "./script-types";
import { isChunkStep, type IndexedToolCall, type Step } from "./stream";
import { estimatePrompt, splitPieces, tokenCost } from "./tokens";
import type { ImageRef } from "./validate";

export interface PlanContext {
  request: WireChatRequest;
  model: WireModel;
  images: ImageRef[];
  /** Milliseconds per token; 0 = as fast as possible. */
  msPerToken: number;
}

export interface Plan {
  steps: Step[];
  usage: WireUsage;
}

function makeUsage(ctx: PlanContext, completion: number): WireUsage {
  const p = estimatePrompt(
    ctx.request.messages,
    ctx.request.tools,
    ctx.images.map((i) => i.info),
  );
  return {
    prompt_tokens: p.promptTokens,
    completion_tokens: completion,
    total_tokens: p.promptTokens + completion,
    prompt_tokens_details: { cached_tokens: p.cachedTokens },
  };
}

/** The unscripted reply: reasoning (when thinking is on) then content, cut at max_tokens. */
export function demoPlan(ctx: PlanContext): Plan {
  const { request, model, images } = ctx;
  const json = request.response_format?.type === "json_object";
  const calls = json ? null : demoToolCalls(request);
  if (calls) return toolCallPlan(ctx, calls);
  const reply = buildDemoReply(request, model, images);
  const content = json
    ? (buildDemoAnnouncement(request) ?? buildDemoJson(request, model, images))
    : (demoToolAnswer(request) ?? reply.content);
  const reasoning = thinkingEnabled(request, model) ? reply.reasoning : "";
  const budget = request.max_tokens ?? model.max_output_tokens;

  const steps: Step[] = [];
  let spent = 0;
  let cut = false;
  const emit = (text: string, field: "reasoning" | "content") => {
    for (const piece of splitPieces(text)) {
      const cost = tokenCost(piece);
      if (spent + cost > budget) {
        cut = true;
        return;
      }
      spent += cost;
      steps.push({ type: "delta", delay: ctx.msPerToken * Math.max(0.5, cost), [field]: piece });
    }
  };
  if (reasoning) emit(reasoning, "reasoning");
  if (!cut) emit(content, "content");
  const finishReason: WireFinishReason = cut ? "length" : "stop";
  const usage = makeUsage(ctx, cut ? budget : Math.max(1, Math.ceil(spent)));
  steps.push({ type: "finish", delay: ctx.msPerToken, finishReason, usage }, { type: "done", delay: 0 });
  return { steps, usage };
}

/** A demo reply that calls tools (all in one delta, as the gateway sends them by default). */
function toolCallPlan(ctx: PlanContext, calls: IndexedToolCall[]): Plan {
  const steps: Step[] = [];
  if (thinkingEnabled(ctx.request, ctx.model)) {
    for (const piece of splitPieces("这个问题需要准确的数据，我先调用工具。")) {
      steps.push({ type: "delta", delay: ctx.msPerToken, reasoning: piece });
    }
  }
  steps.push({ type: "delta", delay: ctx.msPerToken * 4, toolCalls: calls });
  const usage = makeUsage(ctx, Math.ceil(JSON.stringify(calls).length / 4));
  steps.push({ type: "finish", delay: ctx.msPerToken, finishReason: "tool_calls", usage }, { type: "done", delay: 0 });
  return { steps, usage };
}

/** A fixed content string (JSON-mode tests), no reasoning. */
export function fixedContentPlan(ctx: PlanContext, content: string): Plan {
  const steps: Step[] = splitPieces(content).map((piece) => ({
    type: "delta",
    delay: ctx.msPerToken * Math.max(0.5, tokenCost(piece)),
    content: piece,
  }));
  const usage = makeUsage(ctx, Math.max(1, Math.ceil(tokenCost(content))));
  steps.push({ type: "finish", delay: ctx.msPerToken, finishReason: "stop", usage }, { type: "done", delay: 0 });
  return { steps, usage };
}

/** A scripted stream with its failure injections (error frame, drop, stall) applied. */
export function scriptedPlan(ctx: PlanContext, s: ScriptedStream): Plan {
  const pace = (cost: number) => s.chunkDelayMs ?? ctx.msPerToken * Math.max(0.5, cost);
  let steps: Step[] = [];
  let cost = 0;
  let callIndex = 0;
  for (const piece of s.reasoning ? splitPieces(s.reasoning) : []) {
    steps.push({ type: "delta", delay: pace(tokenCost(piece)), reasoning: piece });
  }
  for (const piece of s.text ? splitPieces(s.text) : []) {
    steps.push({ type: "delta", delay: pace(tokenCost(piece)), content: piece });
  }
  for (const c of s.chunks ?? []) {
    const toolCalls: IndexedToolCall[] | undefined = c.toolCalls?.map((t) => ({
      index: t.index ?? callIndex++,
      id: t.id,
      type: t.type,
      function: t.function,
    }));
    const chunkCost =
      tokenCost((c.reasoning ?? "") + (c.content ?? "")) + (toolCalls ? JSON.stringify(toolCalls).length / 4 : 0);
    const step: Step = { type: "delta", delay: c.delayMs ?? pace(chunkCost) };
    if (c.reasoning !== undefined) step.reasoning = c.reasoning;
    if (c.content !== undefined) step.content = c.content;
    if (toolCalls) step.toolCalls = toolCalls;
    steps.push(step);
  }
  for (const st of steps) {
    if (st.type === "delta")
      cost +=
        tokenCost((st.reasoning ?? "") + (st.content ?? "")) +
        (st.toolCalls ? JSON.stringify(st.toolCalls).length / 4 : 0);
  }
  const base = makeUsage(ctx, Math.max(1, Math.ceil(cost)));
  const usage: WireUsage = { ...base, ...s.usage };
  if (
    s.usage &&
    (s.usage.prompt_tokens !== undefined || s.usage.completion_tokens !== undefined) &&
    s.usage.total_tokens === undefined
  ) {
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  }
  const hasCalls = steps.some((st) => st.type === "delta" && st.toolCalls?.length);
  const finishReason = s.finishReason ?? (hasCalls ? "tool_calls" : "stop");
  const deltaCount = steps.length;
  const finishDelay = s.chunkDelayMs ?? ctx.msPerToken;
  if (s.usageInSeparateChunk && !s.omitUsage) {
    steps.push({ type: "finish", delay: finishDelay, finishReason, usage: null }, { type: "usage", delay: 0, usage });
  } else {
    steps.push({ type: "finish", delay: finishDelay, finishReason, usage: s.omitUsage ? null : usage });
  }
  steps.push({ type: "done", delay: 0 });

  if (s.errorFrameAfter !== undefined) {
    const n = Math.max(0, Math.min(s.errorFrameAfter, deltaCount));
    const error = {
      type: s.errorFrame?.type ?? "api_error",
      code: s.errorFrame?.code ?? "network_error",
      message: s.errorFrame?.message ?? "Upstream model connection lost mid-stream.",
    };
    steps = [...steps.slice(0, n), { type: "error", delay: steps[n]?.delay ?? 0, error }];
  }
  if (s.dropAfter !== undefined) {
    const cut = nthChunkEnd(steps, s.dropAfter);
    steps = [...steps.slice(0, cut), { type: "drop", delay: steps[cut]?.delay ?? 0 }];
  }
  if (s.stallAfter !== undefined) {
    const at = nthChunkEnd(steps, s.stallAfter);
    const target = steps[at];
    if (target) steps[at] = { ...target, delay: target.delay + (s.stallMs ?? 5000) };
  }
  return { steps, usage };
}

/** Index just after the n-th chunk step (or of the first non-chunk step when there are fewer). */
function nthChunkEnd(steps: Step[], n: number): number {
  let seen = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (!s || !isChunkStep(s)) return i;
    if (seen >= n) return i;
    seen++;
  }
  return steps.length;
}
