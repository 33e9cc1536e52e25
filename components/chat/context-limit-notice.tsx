"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { AlertIcon } from "@/components/ui/icons";
import { formatTokenCount } from "@/lib/chat/format-tokens";
import { useChatState } from "./chat-context";

/**
 * Shown when the conversation (with the draft) fills the model's context: nothing is sent, and the
 * ways out are right here: a new chat, or dropping the oldest turns until it is under 80% again.
 */
export function ContextLimitNotice({ draftTokens }: { draftTokens: number }) {
  const t = useTranslations("context");
  const tHeader = useTranslations("header");
  const { context, model, messages, isBusy, newChat } = useChatState(
    "context",
    "model",
    "messages",
    "isBusy",
    "newChat",
  );
  return (
    <div
      role="alert"
      data-testid="context-limit"
      className="mb-2 flex flex-col gap-2 rounded-xl border border-danger/25 bg-danger-soft px-3 py-2.5 text-sm text-danger-strong sm:flex-row sm:items-center"
    >
      <p className="message-text flex flex-1 items-start gap-2">
        <AlertIcon className="mt-0.5 shrink-0" />
        <span>{t("full", { model: model ?? "", size: formatTokenCount(context.contextWindow ?? 0) })}</span>
      </p>
      <div className="flex shrink-0 gap-2 self-end sm:self-auto">
        {messages.length > 0 && (
          <Button
            variant="secondary"
            size="sm"
            data-testid="drop-oldest"
            // Removing turns while a reply streams into them would lose it.
            disabled={isBusy}
            onClick={() => context.dropOldestTurns(draftTokens)}
          >
            {t("dropOldest")}
          </Button>
        )}
        <Button variant="danger" size="sm" data-testid="context-new-chat" onClick={newChat}>
          {tHeader("newChat")}
        </Button>
      </div>
    </div>
  );
}
