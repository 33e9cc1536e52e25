import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { conversationMarkdown, markdownFileName } from "./export-markdown";
import type { Conversation } from "./queries/conversations";
import type { StoredMessage } from "./queries/messages";

// 2030-03-01 09:30 in Shanghai.
const T = Date.UTC(2030, 2, 1, 1, 30);

const conversation: Conversation = {
  id: "c1",
  userId: "u1",
  title: "数据库 / 索引",
  titleSource: "user",
  model: "glm-5-1",
  settings: {},
  messageCount: 3,
  createdAt: T,
  updatedAt: T,
  deletedAt: null,
};

function message(seq: number, fields: Partial<StoredMessage>): StoredMessage {
  return {
    id: `m${seq}`,
    conversationId: "c1",
    userId: "u1",
    seq,
    role: "user",
    parts: [],
    text: "",
    status: "done",
    metadata: {},
    createdAt: T + seq * 60_000,
    updatedAt: T,
    ...fields,
  };
}

const messages = [
  message(3, {
    role: "assistant",
    status: "interrupted",
    parts: [{ type: "text", text: "只说了一半" }],
    metadata: { model: "glm-5-1" },
  }),
  message(1, {
    parts: [
      { type: "text", text: "看看这张图" },
      { type: "file", mediaType: "image/png", filename: "图.png", url: "/api/images/img-1" },
    ],
  }),
  message(2, {
    role: "assistant",
    parts: [
      { type: "reasoning", text: "先想想\n再回答", state: "done" },
      { type: "text", text: "这是 **答案**。\n\n```sql\nselect 1;\n```", state: "done" },
    ],
    metadata: { model: "glm-5-1" },
  }),
];

describe("conversationMarkdown", () => {
  it("writes the title, then each message in order with reasoning quoted and images linked", () => {
    expect(conversationMarkdown(conversation, messages)).toBe(
      [
        "# 数据库 / 索引",
        "",
        "- 模型: glm-5-1",
        "- 创建于: 2030-03-01 09:30 (北京时间)",
        "",
        "---",
        "",
        "## 用户 · 2030-03-01 09:31",
        "",
        "看看这张图",
        "",
        "![图.png](/api/images/img-1)",
        "",
        "---",
        "",
        "## 助手 (glm-5-1) · 2030-03-01 09:32",
        "",
        "> **思考过程**\n>\n> 先想想\n> 再回答",
        "",
        "这是 **答案**。\n\n```sql\nselect 1;\n```",
        "",
        "---",
        "",
        "## 助手 (glm-5-1) · 2030-03-01 09:33",
        "",
        "只说了一半",
        "",
        "> ⚠️ 回答在生成途中中断，以上为已收到的部分。",
        "",
      ].join("\n"),
    );
  });

  it("speaks English when asked, and names a failed reply's error", () => {
    const failed = message(1, {
      role: "assistant",
      status: "error",
      metadata: { error: new AppError("content_filtered").toPayload() },
    });
    const md = conversationMarkdown({ ...conversation, title: "" }, [failed], "en");
    expect(md).toContain("# Untitled chat");
    expect(md).toContain("## Assistant · 2030-03-01 09:31");
    expect(md).toContain("> ⚠️ The answer failed: The content-safety filter stopped this answer");
  });
});

describe("markdownFileName", () => {
  it("keeps Chinese titles and removes path characters", () => {
    expect(markdownFileName(conversation)).toBe("数据库 索引.md");
    expect(markdownFileName({ ...conversation, title: "" }, "en")).toBe("Untitled chat.md");
    expect(markdownFileName({ ...conversation, title: "../../etc" })).toBe(".. .. etc.md");
  });
});
