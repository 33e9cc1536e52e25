"use client";

import { useTranslations } from "next-intl";
import type { ChatState } from "./chat-context";
import { useChatSelector } from "./chat-context";
import { messageStatus } from "./message-status";

type Announcement = "" | "connecting" | "streaming" | "failed" | "done" | "interrupted";

function announcement({ messages, status, endings }: ChatState): Announcement {
  const last = messages.at(-1);
  if (status === "submitted") return "connecting";
  if (status === "streaming") return "streaming";
  if (status === "error") return "failed";
  if (last?.role !== "assistant") return "";
  const ended = messageStatus({ message: last, isLast: true, chatStatus: status, ending: endings.get(last.id) });
  return ended === "done" ? "done" : ended === "error" ? "failed" : "interrupted";
}

/** Speaks reply progress to screen readers, instead of reading every streamed token aloud. */
export function StatusAnnouncer() {
  const t = useTranslations("status");
  // Only a change of what is said renders this again, not every streamed token.
  const key = useChatSelector(announcement);
  return (
    <div role="status" aria-live="polite" className="sr-only">
      {key ? t(key) : ""}
    </div>
  );
}
