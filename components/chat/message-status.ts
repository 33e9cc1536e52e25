import type { ChatStatus } from "ai";
import type { ChatUIMessage } from "@/lib/chat/types";

export type MessageStatus = "streaming" | "done" | "error" | "interrupted";

/** How the browser saw a reply end, when its stream did not finish normally (the server's metadata never arrives then). */
export type MessageEnding = "stopped" | "failed";

export function hasVisibleText(message: ChatUIMessage): boolean {
  return message.parts.some((part) => part.type === "text" && part.text.trim() !== "");
}

export function messageStatus({
  message,
  isLast,
  chatStatus,
  ending,
}: {
  message: ChatUIMessage;
  isLast: boolean;
  chatStatus: ChatStatus;
  ending?: MessageEnding;
}): MessageStatus {
  if (message.role !== "assistant") return "done";
  if (isLast && (chatStatus === "submitted" || chatStatus === "streaming")) return "streaming";
  const meta = message.metadata?.status;
  if (meta === "interrupted") return "interrupted";
  const failed = ending === "failed" || meta === "error" || (isLast && chatStatus === "error");
  // A failure after partial text keeps that text: the reply is interrupted rather than lost.
  if (failed) return hasVisibleText(message) ? "interrupted" : "error";
  if (ending === "stopped") return "interrupted";
  return "done";
}
