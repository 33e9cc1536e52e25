import type { DynamicToolUIPart } from "ai";
import type { ChatUIMessage } from "@/lib/chat/types";

// What a reply shows, in order: its reasoning, then its answer. A continued reply carries more parts
// (a second reasoning, a second text) that belong to the same answer, so each kind is joined into one
// block. Tool calls split the answer: the calls of one step sit together (side by side), and text
// written after them starts a new block below.

export type MessageBlock =
  | { kind: "reasoning"; text: string; streaming: boolean }
  | { kind: "text"; text: string }
  | { kind: "tools"; tools: DynamicToolUIPart[] };

type Part = ChatUIMessage["parts"][number];

export function messageBlocks(parts: readonly Part[]): MessageBlock[] {
  const blocks: MessageBlock[] = [];
  let reasoning: Extract<MessageBlock, { kind: "reasoning" }> | undefined;
  let text: Extract<MessageBlock, { kind: "text" }> | undefined;
  let tools: Extract<MessageBlock, { kind: "tools" }> | undefined;
  for (const part of parts) {
    if (part.type === "reasoning") {
      if (!reasoning) {
        reasoning = { kind: "reasoning", text: "", streaming: false };
        blocks.push(reasoning);
      }
      if (reasoning.text && part.text) reasoning.text += "\n\n";
      reasoning.text += part.text;
      reasoning.streaming = part.state === "streaming";
    } else if (part.type === "text") {
      if (!text) {
        text = { kind: "text", text: "" };
        blocks.push(text);
      }
      text.text += part.text;
    } else if (part.type === "step-start") {
      tools = undefined;
    } else if (part.type === "dynamic-tool") {
      if (!tools) {
        tools = { kind: "tools", tools: [] };
        blocks.push(tools);
      }
      tools.tools.push(part);
      // What the model writes after its tools ran reads below them.
      text = undefined;
    }
  }
  return blocks.filter((block) => block.kind === "tools" || block.text !== "");
}

/** The reply's Markdown source (every text part, in order): what "copy" copies. */
export function messageMarkdown(parts: readonly Part[]): string {
  let text = "";
  for (const part of parts) if (part.type === "text") text += part.text;
  return text;
}
