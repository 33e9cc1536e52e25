"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useMemo, useRef, useState } from "react";
import type { ChatSettings, ChatUIMessage } from "@/lib/chat/types";
import { parseErrorPayload } from "@/lib/errors";
import { randomId } from "@/lib/utils";
import { ChatHeader } from "./chat-header";
import type { ChatState } from "./chat-context";
import { ChatStateContext } from "./chat-context";
import type { ComposerHandle } from "./composer";
import { Composer } from "./composer";
import { DemoBanner } from "./demo-banner";
import { EmptyState } from "./empty-state";
import { MessageList } from "./message-list";
import type { MessageEnding } from "./message-status";
import { StatusAnnouncer } from "./status-announcer";
import { useModels } from "./use-models";
import { useStickToBottom } from "./use-stick-to-bottom";

/** Per-request fields the shell adds to the body useChat builds (see POST /api/chat). */
interface ChatRequestExtras {
  model: string;
  settings?: ChatSettings;
}

function createTransport() {
  return new DefaultChatTransport<ChatUIMessage>({
    api: "/api/chat",
    prepareSendMessagesRequest: ({ id, messages, body }) => {
      const { model, settings } = (body ?? {}) as Partial<ChatRequestExtras>;
      return { body: { id, messages, model, settings } };
    },
  });
}

/** Asks the server to end the generation: it belongs to the server and outlives this request. */
function requestServerStop(chatId: string) {
  fetch(`/api/chat/${encodeURIComponent(chatId)}/stop`, { method: "POST", keepalive: true }).catch(() => {
    // Fire-and-forget: the local stream is already closed, and there is nothing useful to show.
  });
}

export function ChatShell() {
  const [chatId] = useState(randomId);
  const [transport] = useState(createTransport);
  const [endings, setEndings] = useState<ReadonlyMap<string, MessageEnding>>(() => new Map());
  const [pickedModel, setModel] = useState<string>();
  const models = useModels();
  const model = pickedModel ?? models.data?.defaultModel;
  const composerRef = useRef<ComposerHandle>(null);
  const { scrollerRef, contentRef, follow } = useStickToBottom<HTMLDivElement, HTMLDivElement>();

  const { messages, status, error, sendMessage, regenerate, stop } = useChat<ChatUIMessage>({
    id: chatId,
    transport,
    onFinish: ({ message, isAbort, isError, isDisconnect }) => {
      // The server's closing metadata never reaches an aborted or broken stream, so remember how it ended.
      const ending: MessageEnding | undefined = isAbort ? "stopped" : isError || isDisconnect ? "failed" : undefined;
      if (ending) setEndings((previous) => new Map(previous).set(message.id, ending));
    },
  });

  const isBusy = status === "submitted" || status === "streaming";
  const last = messages.at(-1);
  const shownError = useMemo(() => {
    if (error) return parseErrorPayload(error.message);
    // A reply can also end with an error the server put in its metadata, with no stream error.
    return last?.role === "assistant" ? last.metadata?.error : undefined;
  }, [error, last]);

  const state: ChatState = {
    chatId,
    messages,
    status,
    isBusy,
    endings,
    error: shownError,
    model,
    setModel,
    send: (text) => {
      if (!model || isBusy) return;
      follow();
      void sendMessage({ text }, { body: { model } satisfies ChatRequestExtras });
    },
    stop: () => {
      void stop();
      requestServerStop(chatId);
    },
    retry: () => {
      if (!model || isBusy) return;
      follow();
      void regenerate({ body: { model } satisfies ChatRequestExtras });
    },
  };

  return (
    <ChatStateContext value={state}>
      <div className="flex h-dvh flex-col">
        <ChatHeader />
        <DemoBanner />
        <div ref={scrollerRef} className="flex-1 overflow-y-auto overscroll-contain">
          <div ref={contentRef} className="mx-auto w-full max-w-3xl px-4 py-6">
            {messages.length === 0 ? (
              <EmptyState onPick={(text) => composerRef.current?.fill(text)} />
            ) : (
              <MessageList />
            )}
          </div>
        </div>
        <div className="mx-auto w-full max-w-3xl px-3 pb-3 sm:px-4 sm:pb-4">
          <Composer ref={composerRef} />
        </div>
        <StatusAnnouncer />
      </div>
    </ChatStateContext>
  );
}
