// Demo mode with tools offered: a question about the time or a sum gets a plausible tool call (two in
// parallel when it asks both), and the tool results get an answer built from them, so that the
// chat's tool cards can be seen without a real model.
import type { WireChatRequest } from "../gateway/wire";
import { textOf } from "./demo-reply";
import type { IndexedToolCall } from "./stream";

const ZONES: Array<[RegExp, string]> = [
  [/纽约|new york/i, "America/New_York"],
  [/伦敦|london/i, "Europe/London"],
  [/东京|tokyo/i, "Asia/Tokyo"],
  [/旧金山|洛杉矶|san francisco|los angeles/i, "America/Los_Angeles"],
];
const ASKS_TIME = /几点|时间|日期|星期几|周几|今天几号|what time|what day|the date|time is it/i;
// Digits joined by at least one operator, e.g. (1200-200)*15% or 3.5 × 4.
const EXPRESSION = /[(（]?\s*\d[\d.\s]*(?:\s*[-+*/×÷^%]\s*[(（]?\s*\d[\d.\s]*[)）]?%?)+[)）]?/;

/** The calls a demo reply makes, or null: only when tools are offered and no tool has answered yet. */
export function demoToolCalls(req: WireChatRequest): IndexedToolCall[] | null {
  const names = new Set((req.tools ?? []).map((t) => t.function.name));
  if (names.size === 0 || req.tool_choice === "none") return null;
  const last = req.messages.at(-1);
  if (last?.role !== "user") return null;
  const text = textOf(last);
  const calls: IndexedToolCall[] = [];
  const stamp = Date.now().toString(36);
  const add = (name: string, args: Record<string, string>) =>
    calls.push({
      index: calls.length,
      id: `call_demo_${stamp}_${calls.length}`,
      type: "function",
      function: { name, arguments: JSON.stringify(args) },
    });
  if (names.has("current_time") && ASKS_TIME.test(text)) {
    add("current_time", { timezone: ZONES.find(([re]) => re.test(text))?.[1] ?? "Asia/Shanghai" });
  }
  const expression = EXPRESSION.exec(text)?.[0]?.trim();
  if (names.has("calculate") && expression && /[-+*/×÷^%]/.test(expression)) add("calculate", { expression });
  return calls.length > 0 ? calls : null;
}

/** After the tools ran: an answer from their results (errors explained), or null when none came back. */
export function demoToolAnswer(req: WireChatRequest): string | null {
  if (req.messages.at(-1)?.role !== "tool") return null;
  const calls = new Map<string, string>();
  for (const m of req.messages) {
    if (m.role === "assistant") for (const c of m.tool_calls ?? []) calls.set(c.id, c.function.name);
  }
  const lines: string[] = [];
  for (const m of req.messages) {
    if (m.role !== "tool") continue;
    let result: Record<string, unknown> = {};
    try {
      result = JSON.parse(m.content) as Record<string, unknown>;
    } catch {
      // shown as an error below
    }
    const name = calls.get(m.tool_call_id) ?? "tool";
    if (typeof result.error === "string") lines.push(`- \`${name}\` 没能完成：${result.error}`);
    else if (name === "current_time")
      lines.push(`- 现在是 **${String(result.chinese)}**（${String(result.timeZone)}）。`);
    else if (name === "calculate") lines.push(`- \`${String(result.expression)}\` = **${String(result.result)}**`);
    else lines.push(`- \`${name}\` 返回：${m.content.slice(0, 200)}`);
  }
  return `根据工具的结果：\n\n${lines.join("\n")}\n\n> 这是 **ByteSpike 网关模拟器** 的演示回复：工具由服务器真实执行，回答由模拟器根据结果拼成。\n`;
}
