import { describe, expect, it } from "vitest";
import type { ChatUIMessage } from "@/lib/chat/types";
import { messageBlocks, messageMarkdown } from "./message-blocks";

type Part = ChatUIMessage["parts"][number];
const reasoning = (text: string, state: "streaming" | "done" = "done"): Part => ({ type: "reasoning", text, state });
const text = (value: string, state: "streaming" | "done" = "done"): Part => ({ type: "text", text: value, state });
const step: Part = { type: "step-start" };

describe("messageBlocks", () => {
  it("shows reasoning, then the answer", () => {
    expect(messageBlocks([step, reasoning("想一想"), text("答案")])).toEqual([
      { kind: "reasoning", text: "想一想", streaming: false },
      { kind: "text", text: "答案" },
    ]);
  });

  it("marks reasoning as streaming while its last part streams", () => {
    expect(messageBlocks([step, reasoning("想", "streaming")])).toEqual([
      { kind: "reasoning", text: "想", streaming: true },
    ]);
  });

  it("joins a continuation into the same blocks: the answer reads as one text", () => {
    const parts = [step, reasoning("一"), text("前半"), step, reasoning("二", "streaming"), text("后半", "streaming")];
    expect(messageBlocks(parts)).toEqual([
      { kind: "reasoning", text: "一\n\n二", streaming: true },
      { kind: "text", text: "前半后半" },
    ]);
  });

  it("leaves out empty parts and parts it does not render", () => {
    expect(messageBlocks([step, reasoning(""), text("")])).toEqual([]);
  });
});

describe("messageMarkdown", () => {
  it("is every text part in order, without reasoning", () => {
    expect(messageMarkdown([reasoning("想"), text("## 标题\n"), step, text("正文")])).toBe("## 标题\n正文");
  });

  it("keeps one step's tool calls together and puts the text written after them below", () => {
    const call = (id: string): Part => ({
      type: "dynamic-tool",
      toolCallId: id,
      toolName: "calculate",
      state: "output-available",
      input: { expression: "1+1" },
      output: { result: 2 },
    });
    const blocks = messageBlocks([
      step,
      reasoning("先算"),
      text("我来算一下。"),
      call("a"),
      call("b"),
      step,
      call("c"),
      step,
      reasoning("再想"),
      text("结果是 2。"),
    ]);
    expect(blocks.map((b) => (b.kind === "tools" ? b.tools.map((t) => t.toolCallId).join("") : b.kind))).toEqual([
      "reasoning",
      "text",
      "ab",
      "c",
      "text",
    ]);
    expect(blocks[0]).toMatchObject({ text: "先算\n\n再想" });
    expect(blocks.at(-1)).toEqual({ kind: "text", text: "结果是 2。" });
  });
});
