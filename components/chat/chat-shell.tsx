"use client";

import { useChat } from "@ai-sdk/react";
import { useMemo, useRef, useState } from "react";
import { requestSettings } from "@/lib/chat/settings";
import { estimateTokens } from "@/lib/chat/token-estimate";
import type { ChatUIMessage } from "@/lib/chat/types";
import { parseErrorPayload } from "@/lib/errors";
import { randomId } from "@/lib/utils";
import { ChatHeader } from "./chat-header";
import type { ChatDialog, ChatState } from "./chat-context";
import { ChatStateContext } from "./chat-context";
import { createTransport, requestServerStop, type ChatRequestExtras } from "./chat-transport";
import type { ComposerHandle } from "./composer";
import { Composer } from "./composer";
import { DemoBanner } from "./demo-banner";
import { EmptyState } from "./empty-state";
import { JumpToLatest } from "./jump-to-latest";
import { MessageList } from "./message-list";
import type { MessageEnding } from "./message-status";
import { SettingsDialog } from "./settings-dialog";
import { ShortcutsDialog } from "./shortcuts-dialog";
import { StatusAnnouncer } from "./status-announcer";
import { useChatSettings } from "./use-chat-settings";
import { useContextBudget } from "./use-context-budget";
import { useModels } from "./use-models";
import { useShortcuts } from "./use-shortcuts";
import { useStickToBottom } from "./use-stick-to-bottom";

export function ChatShell() {
  const [chatId, setChatId] = useState(randomId);
  const [transport] = useState(createTransport);
  const [endings, setEndings] = useState<ReadonlyMap<string, MessageEnding>>(() => new Map());
  const [dialog, setDialog] = useState<ChatDialog | null>(null);
  const models = useModels();
  const chatSettings = useChatSettings(models.data);
  const { model, modelInfo, settings } = chatSettings;
  const composerRef = useRef<ComposerHandle>(null);
  const { scrollerRef, contentRef, away, follow } = useStickToBottom<HTMLDivElement, HTMLDivElement>();

  // A new chat id gives useChat a fresh chat (empty messages); the old one is stopped by useChat.
  const { messages, setMessages, status, error, sendMessage, regenerate, stop } = useChat<ChatUIMessage>({
    id: chatId,
    transport,
    onFinish: ({ message, isAbort, isError, isDisconnect }) => {
      // The server's closing metadata never reaches an aborted or broken stream, so remember how it ended.
      const ending: MessageEnding | undefined = isAbort ? "stopped" : isError || isDisconnect ? "failed" : undefined;
      if (ending) setEndings((previous) => new Map(previous).set(message.id, ending));
    },
  });
  const context = useContextBudget({
    messages,
    setMessages,
    system: settings.system,
    contextWindow: modelInfo?.contextWindow,
  });

  const isBusy = status === "submitted" || status === "streaming";
  const last = messages.at(-1);
  const shownError = useMemo(() => {
    if (error) return parseErrorPayload(error.message);
    // A reply can also end with an error the server put in its metadata, with no stream error.
    return last?.role === "assistant" ? last.metadata?.error : undefined;
  }, [error, last]);

  const extras = (): ChatRequestExtras | undefined =>
    model ? { model, settings: requestSettings(settings, modelInfo) } : undefined;
  // Nothing is sent once the conversation fills the model's context: the gateway would only answer 400.
  const fits = (extraTokens = 0) => !context.contextWindow || context.used + extraTokens < context.contextWindow;
  const ready = () => !isBusy && extras() !== undefined;

  const stopReply = () => {
    void stop();
    requestServerStop(chatId);
  };

  const state: ChatState = {
    chatId,
    messages,
    status,
    isBusy,
    endings,
    error: shownError,
    model,
    modelInfo,
    setModel: chatSettings.setModel,
    settings,
    updateSettings: chatSettings.updateSettings,
    resetSettings: chatSettings.resetSettings,
    context,
    send: (text) => {
      const body = extras();
      if (!body || isBusy || !fits(estimateTokens(text))) return false;
      follow();
      void sendMessage({ text }, { body });
      return true;
    },
    stop: () => {
      if (isBusy) stopReply();
    },
    regenerate: () => {
      if (!ready() || !fits()) return;
      follow();
      void regenerate({ body: extras() });
    },
    edit: (messageId, text) => {
      if (!ready() || !fits(estimateTokens(text))) return;
      follow();
      // useChat replaces the question and drops every message after it.
      void sendMessage({ text, messageId }, { body: extras() });
    },
    continueReply: () => {
      const body = extras();
      if (!body || isBusy || !fits() || last?.role !== "assistant") return;
      follow();
      // No new message: the request ends with the cut reply, and the server streams into that same id.
      void sendMessage(undefined, { body: { ...body, continue: true } satisfies ChatRequestExtras });
    },
    newChat: () => {
      if (isBusy) stopReply();
      setChatId(randomId());
      setEndings(new Map());
      chatSettings.resetSettings();
      context.reset();
      setDialog(null);
      composerRef.current?.focus();
    },
    openDialog: setDialog,
  };

  useShortcuts({
    onHelp: () => setDialog("shortcuts"),
    onNewChat: state.newChat,
    onStop: state.stop,
  });

  return (
    <ChatStateContext value={state}>
      <div className="flex h-dvh flex-col">
        <ChatHeader />
        <DemoBanner />
        <div className="relative min-h-0 flex-1">
          <div
            ref={scrollerRef}
            data-testid="chat-scroller"
            className="h-full overflow-x-hidden overflow-y-auto overscroll-contain"
          >
            <div ref={contentRef} className="mx-auto w-full max-w-3xl px-4 py-6">
              {messages.length === 0 ? (
                <EmptyState onPick={(text) => composerRef.current?.fill(text)} />
              ) : (
                <MessageList />
              )}
            </div>
          </div>
          {away && messages.length > 0 && <JumpToLatest onJump={() => follow("smooth")} />}
        </div>
        <div className="mx-auto w-full max-w-3xl px-3 pb-3 sm:px-4 sm:pb-4">
          <Composer ref={composerRef} />
        </div>
        <StatusAnnouncer />
        <SettingsDialog open={dialog === "settings"} onClose={() => setDialog(null)} />
        <ShortcutsDialog open={dialog === "shortcuts"} onClose={() => setDialog(null)} />
      </div>
    </ChatStateContext>
  );
}
