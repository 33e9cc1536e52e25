"use client";

import { useTranslations } from "next-intl";
import { useChatState } from "./chat-context";
import { messageStatus } from "./message-status";

/** Speaks reply progress to screen readers, instead of reading every streamed token aloud. */
export function StatusAnnouncer() {
  const t = useTranslations("status");
  const { messages, status, endings } = useChatState();
  const last = messages.at(-1);
  let text = "";
  if (status === "submitted") text = t("connecting");
  else if (status === "streaming") text = t("streaming");
  else if (status === "error") text = t("failed");
  else if (last?.role === "assistant") {
    const ended = messageStatus({ message: last, isLast: true, chatStatus: status, ending: endings.get(last.id) });
    text = ended === "done" ? t("done") : ended === "error" ? t("failed") : t("interrupted");
  }
  return (
    <div role="status" aria-live="polite" className="sr-only">
      {text}
    </div>
  );
}
