import { z } from "zod";
import type { WireTool } from "@/lib/gateway/wire";
import { CHANNELS, CHANNEL_LIMITS, resolveChannel } from "./channels";
import { channelFit, countCharacters } from "./count-characters";
import { currentTime, DEFAULT_TIME_ZONE } from "./current-time";
import { evaluate } from "./expression";

// The tools the server offers the model in chat. Each has a zod input schema (sent upstream as JSON
// Schema) and runs on the server; a failure becomes a result the model can read and explain.

export interface ToolDefinition<Input = unknown> {
  name: string;
  description: string;
  input: z.ZodType<Input>;
  execute: (input: Input) => unknown;
}

export type ToolResult = { ok: true; output: unknown } | { ok: false; error: string };

export interface ToolRegistry {
  /** What goes in the request's `tools`. */
  wireTools(): WireTool[];
  /** Runs one call; never throws. */
  run(name: string, rawArguments: string): Promise<ToolResult>;
}

const define = <Input>(tool: ToolDefinition<Input>) => tool as ToolDefinition<unknown>;

export const currentTimeTool = define({
  name: "current_time",
  description:
    "Returns the current date, time and weekday. Defaults to China time (Asia/Shanghai); pass an IANA time zone for another place.",
  input: z.object({
    timezone: z.string().max(64).optional().describe("IANA time zone, e.g. Asia/Shanghai, Europe/London, UTC"),
  }),
  execute: ({ timezone }) => currentTime(timezone?.trim() || DEFAULT_TIME_ZONE),
});

export const calculateTool = define({
  name: "calculate",
  description:
    "Evaluates an arithmetic expression exactly: + - * / ^, % as remainder between numbers or as percent after a number (15% = 0.15), parentheses, sqrt, abs, round(x, digits), floor, ceil, min, max, ln, log, exp, pi, e.",
  input: z.object({ expression: z.string().min(1).max(500).describe("e.g. (1200 - 200) * 15% + 2^3") }),
  execute: ({ expression }) => ({ expression, result: evaluate(expression) }),
});

export const countCharactersTool = define({
  name: "count_characters",
  description: `Counts a text's characters (CJK characters, Latin words, emoji, bytes) and, for a channel, how much of its length limit is left. Channels: ${CHANNELS.map((c) => `${c} (${CHANNEL_LIMITS[c].zh})`).join(", ")}.`,
  input: z.object({
    text: z.string().max(100_000),
    channel: z
      .string()
      .max(32)
      .optional()
      .describe(`one of ${CHANNELS.join(", ")}`),
  }),
  execute: ({ text, channel }) => {
    const count = countCharacters(text);
    if (channel === undefined || channel.trim() === "") return count;
    const id = resolveChannel(channel);
    if (!id) throw new Error(`未知的渠道“${channel}”，可选：${CHANNELS.join(", ")}`);
    return { ...count, channel: channelFit(text, id, count) };
  },
});

export const CHAT_TOOLS = [currentTimeTool, calculateTool, countCharactersTool];

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = { ...(z.toJSONSchema(schema) as Record<string, unknown>) };
  delete json.$schema;
  return json;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "arguments"}: ${i.message}`).join("; ");
}

export function createToolRegistry(tools: ToolDefinition[] = CHAT_TOOLS): ToolRegistry {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  return {
    wireTools: () =>
      tools.map((tool) => ({
        type: "function",
        function: { name: tool.name, description: tool.description, parameters: jsonSchema(tool.input) },
      })),
    async run(name, rawArguments) {
      const tool = byName.get(name);
      if (!tool) return { ok: false, error: `没有名为“${name}”的工具` };
      let args: unknown;
      try {
        args = rawArguments.trim() === "" ? {} : JSON.parse(rawArguments);
      } catch {
        return { ok: false, error: `参数不是有效的 JSON：${rawArguments.slice(0, 200)}` };
      }
      const parsed = tool.input.safeParse(args);
      if (!parsed.success) return { ok: false, error: `参数不正确：${describeIssues(parsed.error)}` };
      try {
        return { ok: true, output: await tool.execute(parsed.data) };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

/** The registry chat replies use. */
export const chatTools: ToolRegistry = createToolRegistry();
