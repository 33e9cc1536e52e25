import { describe, expect, it } from "vitest";
import type { ChatUIMessage } from "../../lib/chat/types";
import { messageStatus } from "./message-status";

const user: ChatUIMessage = { id: "u1", role: "user", parts: [{ type: "text", text: "你好" }] };
const reply = (text: string, metadata?: ChatUIMessage["metadata"]): ChatUIMessage => ({
  id: "a1",
  role: "assistant",
  parts: text ? [{ type: "text", text }] : [],
  metadata,
});

describe("messageStatus", () => {
  it("marks user messages done", () => {
    expect(messageStatus({ message: user, isLast: true, chatStatus: "streaming" })).toBe("done");
  });

  it("marks the last assistant message streaming while the chat is busy", () => {
    expect(messageStatus({ message: reply(""), isLast: true, chatStatus: "submitted" })).toBe("streaming");
    expect(messageStatus({ message: reply("你"), isLast: true, chatStatus: "streaming" })).toBe("streaming");
  });

  it("marks a finished reply done", () => {
    expect(messageStatus({ message: reply("好", { status: "done" }), isLast: true, chatStatus: "ready" })).toBe("done");
  });

  it("follows the server's interrupted status", () => {
    const message = reply("部分", { status: "interrupted" });
    expect(messageStatus({ message, isLast: false, chatStatus: "ready" })).toBe("interrupted");
  });

  it("marks a failure with no text as error, and with partial text as interrupted", () => {
    expect(messageStatus({ message: reply(""), isLast: true, chatStatus: "error" })).toBe("error");
    expect(messageStatus({ message: reply("部分"), isLast: true, chatStatus: "error" })).toBe("interrupted");
  });

  it("remembers how a reply ended after later messages arrive", () => {
    expect(messageStatus({ message: reply(""), isLast: false, chatStatus: "ready", ending: "failed" })).toBe("error");
    expect(messageStatus({ message: reply("部分"), isLast: false, chatStatus: "ready", ending: "stopped" })).toBe(
      "interrupted",
    );
  });
});
