"use client";

import { useTranslations } from "next-intl";
import { memo } from "react";
import type { ChatUIMessage } from "@/lib/chat/types";
import { cn } from "@/lib/utils";
import { ConnectingIndicator } from "./connecting-indicator";
import { MessageUsage } from "./message-usage";
import type { MessageStatus } from "./message-status";
import { Reasoning } from "./reasoning";

type Part = ChatUIMessage["parts"][number];

function MessagePart({ part }: { part: Part }) {
  switch (part.type) {
    case "text":
      // Plain pre-wrapped text until the streaming markdown renderer lands.
      return <div className="message-text whitespace-pre-wrap">{part.text}</div>;
    case "reasoning":
      return part.text ? <Reasoning text={part.text} streaming={part.state === "streaming"} /> : null;
    default:
      // Files, tools and sources get their own components as those features land.
      return null;
  }
}

function hasContent(message: ChatUIMessage): boolean {
  return message.parts.some((part) => (part.type === "text" || part.type === "reasoning") && part.text !== "");
}

export const Message = memo(function Message({ message, status }: { message: ChatUIMessage; status: MessageStatus }) {
  const t = useTranslations("message");
  const isUser = message.role === "user";
  const usage = message.metadata?.usage;

  return (
    <article
      data-testid="message"
      data-role={message.role}
      data-status={status}
      aria-label={isUser ? t("you") : t("assistant")}
      aria-busy={status === "streaming"}
      className={cn("flex flex-col gap-1.5", isUser ? "items-end" : "items-start")}
    >
      <div
        className={cn(
          "min-w-0 leading-relaxed",
          isUser ? "max-w-[85%] rounded-2xl rounded-br-md bg-primary-soft px-4 py-2.5" : "w-full",
        )}
      >
        {message.parts.map((part, index) => (
          <MessagePart key={index} part={part} />
        ))}
        {status === "streaming" && !hasContent(message) && <ConnectingIndicator />}
      </div>
      {status === "interrupted" && <p className="text-xs text-muted-foreground">{t("interrupted")}</p>}
      {status === "error" && <p className="text-xs text-danger-strong">{t("failed")}</p>}
      {usage && status !== "streaming" && <MessageUsage usage={usage} />}
    </article>
  );
});
