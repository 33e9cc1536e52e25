"use client";

import { useTranslations } from "next-intl";
import { useChatState } from "./chat-context";
import { ConnectingIndicator } from "./connecting-indicator";
import { ErrorNotice } from "./error-notice";
import { Message } from "./message";
import { messageStatus } from "./message-status";

export function MessageList() {
  const t = useTranslations("chat");
  const { messages, status, endings, error, regenerate } = useChatState(
    "messages",
    "status",
    "endings",
    "error",
    "regenerate",
  );
  const visible = messages.filter((message) => message.role !== "system");
  const last = visible.at(-1);
  // Between sending and the reply's first chunk there is no assistant message to hold the indicator yet.
  const waiting = status === "submitted" && last?.role !== "assistant";

  return (
    <section aria-label={t("conversation")} className="flex flex-col gap-6">
      {visible.map((message) => (
        <Message
          key={message.id}
          message={message}
          isLast={message === last}
          status={messageStatus({
            message,
            isLast: message === last,
            chatStatus: status,
            ending: endings.get(message.id),
          })}
        />
      ))}
      {waiting && <ConnectingIndicator />}
      {error && <ErrorNotice error={error} onRetry={regenerate} />}
    </section>
  );
}
