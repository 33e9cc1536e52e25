"use client";

import { useTranslations } from "next-intl";
import { IconButton } from "@/components/ui/icon-button";
import { CheckIcon, CopyIcon, PencilIcon, RefreshIcon, TextIcon } from "@/components/ui/icons";
import { markdownToPlainText } from "@/lib/chat/plain-text";
import { useChatState } from "./chat-context";
import { useCopy } from "./use-copy";

/**
 * Copy (Markdown source or plain text), regenerate the last reply, edit a question.
 * Shown on hover or keyboard focus with a mouse; always shown on touch screens, which cannot hover.
 */
export function MessageActions({
  role,
  markdown,
  isLast,
  onEdit,
}: {
  role: "user" | "assistant";
  markdown: string;
  isLast: boolean;
  onEdit: () => void;
}) {
  const t = useTranslations("message");
  const { isBusy, regenerate } = useChatState("isBusy", "regenerate");
  const [copied, copy] = useCopy();
  const isAssistant = role === "assistant";

  return (
    <div
      role="group"
      aria-label={t("actions")}
      data-testid="message-actions"
      className="flex items-center gap-0.5 opacity-0 transition-opacity group-focus-within/message:opacity-100 group-hover/message:opacity-100 [@media(hover:none)]:opacity-100"
    >
      <IconButton
        data-testid="copy-markdown"
        label={copied === "markdown" ? t("copied") : isAssistant ? t("copyMarkdown") : t("copy")}
        icon={copied === "markdown" ? <CheckIcon /> : <CopyIcon />}
        align={isAssistant ? "start" : "end"}
        onClick={() => copy("markdown", markdown)}
      />
      {isAssistant && (
        <IconButton
          data-testid="copy-plain"
          label={copied === "plain" ? t("copied") : t("copyPlain")}
          icon={copied === "plain" ? <CheckIcon /> : <TextIcon />}
          onClick={() => copy("plain", markdownToPlainText(markdown))}
        />
      )}
      {isAssistant && isLast && (
        <IconButton
          data-testid="regenerate"
          label={t("regenerate")}
          icon={<RefreshIcon />}
          disabled={isBusy}
          onClick={regenerate}
        />
      )}
      {!isAssistant && (
        <IconButton
          data-testid="edit-message"
          label={t("edit")}
          icon={<PencilIcon />}
          align="end"
          disabled={isBusy}
          onClick={onEdit}
        />
      )}
    </div>
  );
}
