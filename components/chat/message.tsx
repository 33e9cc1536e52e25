"use client";

import { useTranslations } from "next-intl";
import type { ComponentType } from "react";
import { memo, Suspense, use, useEffect, useState } from "react";
import type { MarkdownProps } from "@/components/markdown/markdown";
import type { ChatUIMessage } from "@/lib/chat/types";
import { cn } from "@/lib/utils";
import { MessageImages, messageImages } from "./attachments/message-images";
import { ConnectingIndicator } from "./connecting-indicator";
import { ContinueNotice } from "./continue-notice";
import { MessageActions } from "./message-actions";
import { messageBlocks, messageMarkdown, type MessageBlock } from "./message-blocks";
import { MessageEditor } from "./message-editor";
import type { MessageStatus } from "./message-status";
import { MessageUsage } from "./message-usage";
import { Reasoning } from "./reasoning";
import { ToolCards } from "./tool-card";

// The Markdown renderer (parser, GFM, CJK rules, the math and highlighting hooks) is not part of the
// chat page's first load (scripts/size-budget.ts): it is fetched once the browser is idle after the first
// paint, or when a question is sent, whichever comes first, so it is ready before the reply's first token.
// Until then a reply shows as plain text; a server-rendered reply keeps its HTML until the renderer has
// loaded and hydrated it.
type MarkdownModule = { Markdown: ComponentType<MarkdownProps> };
type TrackedModule = Promise<MarkdownModule> & {
  status?: "pending" | "fulfilled" | "rejected";
  value?: MarkdownModule;
  reason?: unknown;
};
let markdownModule: TrackedModule | undefined;

/**
 * Starts loading the renderer (once) and returns its promise, which carries React's thenable fields: once it
 * has settled, `use()` reads it without suspending. (React.lazy suspends on its first render even when the
 * module is already there, and React then holds the revealed content back for up to 300 ms.)
 */
export function preloadMarkdown(): TrackedModule {
  if (!markdownModule) {
    const loading: TrackedModule = import("@/components/markdown/markdown");
    loading.status = "pending";
    loading.then(
      (module) => {
        loading.status = "fulfilled";
        loading.value = module;
      },
      (reason: unknown) => {
        loading.status = "rejected";
        loading.reason = reason;
        // A failed download (offline for a moment) is tried again by the next render that needs it.
        if (markdownModule === loading) markdownModule = undefined;
      },
    );
    markdownModule = loading;
  }
  return markdownModule;
}

if (typeof window !== "undefined") {
  const prefetch = () => void preloadMarkdown();
  if ("requestIdleCallback" in window) window.requestIdleCallback(prefetch, { timeout: 2000 });
  else setTimeout(prefetch, 1000);
}

function Markdown(props: MarkdownProps) {
  const { Markdown: Renderer } = use<MarkdownModule>(preloadMarkdown() as PromiseLike<MarkdownModule>);
  return <Renderer {...props} />;
}

function Block({ block, streaming, isUser }: { block: MessageBlock; streaming: boolean; isUser: boolean }) {
  switch (block.kind) {
    case "text":
      // What staff type is shown as typed; what the model writes is Markdown.
      return isUser ? (
        <div className="message-text whitespace-pre-wrap">{block.text}</div>
      ) : (
        <Suspense fallback={<div className="message-text whitespace-pre-wrap">{block.text}</div>}>
          <Markdown text={block.text} streaming={streaming} />
        </Suspense>
      );
    case "reasoning":
      return <Reasoning text={block.text} streaming={streaming && block.streaming} />;
    case "tools":
      return <ToolCards tools={block.tools} />;
  }
}

// Memoised, and reads no chat context itself: while a reply streams only the streaming message re-renders
// (the small action components read the context on their own).
export const Message = memo(function Message({
  message,
  status,
  isLast,
}: {
  message: ChatUIMessage;
  status: MessageStatus;
  isLast: boolean;
}) {
  const t = useTranslations("message");
  const tImages = useTranslations("attachments");
  const [editing, setEditing] = useState(false);
  // A question on screen means a reply is coming: have the renderer ready before its first token.
  useEffect(() => void preloadMarkdown(), []);
  const isUser = message.role === "user";
  const streaming = status === "streaming";
  const blocks = messageBlocks(message.parts);
  const markdown = messageMarkdown(message.parts);
  const images = isUser ? messageImages(message.parts) : [];
  const { usage, finishReason, error, droppedImages } = message.metadata ?? {};
  // Content safety cut the answer: the notice under the conversation explains it; this is not a failure.
  const filtered = error?.code === "content_filtered";

  const body = editing ? (
    <MessageEditor messageId={message.id} initial={markdown} onClose={() => setEditing(false)} />
  ) : (
    <div
      className={cn(
        "min-w-0 leading-relaxed",
        isUser ? "max-w-[85%] rounded-2xl rounded-br-md bg-primary-soft px-4 py-2.5" : "w-full",
      )}
    >
      {blocks.map((block, index) => (
        <Block key={`${block.kind}-${index}`} block={block} streaming={streaming} isUser={isUser} />
      ))}
      {streaming && blocks.length === 0 && <ConnectingIndicator />}
    </div>
  );
  const actions =
    !editing && !streaming && markdown.trim() !== "" ? (
      <MessageActions
        role={isUser ? "user" : "assistant"}
        markdown={markdown}
        isLast={isLast}
        onEdit={() => setEditing(true)}
      />
    ) : null;

  // A question's actions sit beside it, so they take no extra line; a question of images alone has no bubble.
  const question =
    blocks.length > 0 || editing ? (
      <div className="flex w-full min-w-0 items-end justify-end gap-1">
        {actions}
        {body}
      </div>
    ) : null;

  return (
    <article
      data-testid="message"
      data-role={message.role}
      data-status={status}
      aria-label={isUser ? t("you") : t("assistant")}
      aria-busy={streaming}
      className={cn("group/message flex flex-col gap-1.5", isUser ? "items-end" : "items-start")}
    >
      {images.length > 0 && <MessageImages images={images} />}
      {!isUser && droppedImages ? (
        <p data-testid="images-dropped" className="text-xs text-muted-foreground">
          {tImages("dropped", { count: droppedImages })}
        </p>
      ) : null}
      {isUser ? question : body}
      {status === "interrupted" && !filtered && <p className="text-xs text-muted-foreground">{t("interrupted")}</p>}
      {status === "error" && !filtered && <p className="text-xs text-danger-strong">{t("failed")}</p>}
      {isLast && !streaming && finishReason === "length" && <ContinueNotice />}
      {!isUser && (actions || (usage && !streaming)) && (
        <div className="flex w-full flex-wrap items-center gap-x-3 gap-y-1">
          {actions}
          {usage && !streaming && (
            <div className="ml-auto">
              <MessageUsage usage={usage} />
            </div>
          )}
        </div>
      )}
    </article>
  );
});
