import { describe, expect, it } from "vitest";
import {
  contextLevel,
  estimateConversationTokens,
  estimateTokens,
  MESSAGE_OVERHEAD_TOKENS,
  oldestTurnsToDrop,
  type EstimateMessage,
} from "./token-estimate";

const user = (id: string, text: string): EstimateMessage => ({ id, role: "user", text });
const reply = (id: string, text: string, usage?: EstimateMessage["usage"]): EstimateMessage => ({
  id,
  role: "assistant",
  text,
  ...(usage ? { usage } : {}),
});

describe("estimateTokens", () => {
  it("counts nothing for empty or blank text", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("  \n\t ")).toBe(0);
  });

  it("counts ~1.5 CJK characters per token", () => {
    expect(estimateTokens("你好世界，我们")).toBe(Math.ceil(7 / 1.5));
    expect(estimateTokens("中".repeat(300))).toBe(200);
  });

  it("counts ~0.75 English words per token", () => {
    expect(estimateTokens("the quick brown fox")).toBe(Math.ceil(4 / 0.75));
    expect(estimateTokens("word ".repeat(300))).toBe(400);
  });

  it("counts Japanese kana and full-width punctuation as CJK", () => {
    expect(estimateTokens("ひらがな")).toBe(Math.ceil(4 / 1.5));
    expect(estimateTokens("。，！？")).toBe(Math.ceil(4 / 1.5));
  });

  it("adds mixed text up by kind, with symbols at two per token", () => {
    // 4 CJK + 2 words ("GLM", "5") + 2 symbols ("-", ".")
    expect(estimateTokens("模型 GLM-5. 很好")).toBe(Math.ceil(4 / 1.5 + 2 / 0.75 + 2 / 2));
  });

  it("does not glue CJK onto an adjacent Latin word", () => {
    expect(estimateTokens("abc中文")).toBe(Math.ceil(1 / 0.75 + 2 / 1.5));
  });
});

describe("estimateConversationTokens", () => {
  const each = (m: EstimateMessage) => estimateTokens(m.text) + MESSAGE_OVERHEAD_TOKENS;

  it("estimates every message, plus the system prompt, before any usage arrives", () => {
    const messages = [user("u1", "你好"), reply("a1", "你好！")];
    expect(estimateConversationTokens(messages)).toBe(each(messages[0]!) + each(messages[1]!));
    expect(estimateConversationTokens(messages, { system: "be brief" })).toBe(
      estimateTokens("be brief") + MESSAGE_OVERHEAD_TOKENS + each(messages[0]!) + each(messages[1]!),
    );
  });

  it("uses the latest reply's prompt + completion, plus estimates of newer messages", () => {
    const messages = [
      user("u1", "一"),
      reply("a1", "二", { promptTokens: 100, completionTokens: 50 }),
      user("u2", "三"),
      reply("a2", "四", { promptTokens: 1000, completionTokens: 500 }),
      user("u3", "再来一个问题"),
    ];
    expect(estimateConversationTokens(messages, { system: "ignored: usage already counts it" })).toBe(
      1500 + each(messages[4]!),
    );
  });

  it("skips usage marked stale and falls back to an older one or to estimates", () => {
    const messages = [
      user("u1", "一"),
      reply("a1", "二", { promptTokens: 100, completionTokens: 50 }),
      user("u2", "三"),
      reply("a2", "四", { promptTokens: 1000, completionTokens: 500 }),
    ];
    expect(estimateConversationTokens(messages, { staleUsage: new Set(["a2"]) })).toBe(
      150 + each(messages[2]!) + each(messages[3]!),
    );
    const all = messages.reduce((sum, m) => sum + each(m), 0);
    expect(estimateConversationTokens(messages, { staleUsage: new Set(["a1", "a2"]) })).toBe(all);
  });

  it("uses the estimate function it is given", () => {
    expect(estimateConversationTokens([user("u", "x"), reply("a", "y")], { estimate: () => 7 })).toBe(14);
  });
});

describe("oldestTurnsToDrop", () => {
  const ten = () => 10;
  const chat = [user("u1", ""), reply("a1", ""), user("u2", ""), reply("a2", ""), user("u3", ""), reply("a3", "")];

  it("drops nothing when the conversation already fits", () => {
    expect(oldestTurnsToDrop(chat, { target: 100, estimate: ten })).toBe(0);
  });

  it("drops whole turns, oldest first, until the rest is under the target", () => {
    expect(oldestTurnsToDrop(chat, { target: 60, estimate: ten })).toBe(2);
    expect(oldestTurnsToDrop(chat, { target: 40, estimate: ten })).toBe(4);
  });

  it("counts the draft and the system prompt towards the target", () => {
    expect(oldestTurnsToDrop(chat, { target: 60, extra: 15, estimate: ten })).toBe(2);
    expect(oldestTurnsToDrop(chat, { target: 60, extra: 25, estimate: ten })).toBe(4);
    const system = "，".repeat(30); // 20 tokens, plus the message overhead
    expect(oldestTurnsToDrop(chat, { target: 60, system, estimate: ten })).toBe(4);
  });

  it("keeps a reply with its question, even when several replies follow one question", () => {
    const retried = [user("u1", ""), reply("a1", ""), reply("a1b", ""), user("u2", ""), reply("a2", "")];
    expect(oldestTurnsToDrop(retried, { target: 45, estimate: ten })).toBe(3);
  });

  it("can drop everything when even one turn does not fit", () => {
    expect(oldestTurnsToDrop(chat, { target: 5, estimate: ten })).toBe(chat.length);
  });
});

describe("contextLevel", () => {
  it("warns from 80% and refuses from 100% of the window", () => {
    expect(contextLevel(0, 1000)).toBe("ok");
    expect(contextLevel(799, 1000)).toBe("ok");
    expect(contextLevel(800, 1000)).toBe("warning");
    expect(contextLevel(999, 1000)).toBe("warning");
    expect(contextLevel(1000, 1000)).toBe("full");
    expect(contextLevel(5000, 1000)).toBe("full");
  });

  it("never refuses while the window is unknown", () => {
    expect(contextLevel(1_000_000, undefined)).toBe("ok");
  });
});
