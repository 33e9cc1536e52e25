"use client";

import type { FileUIPart } from "ai";
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import { requestSettings } from "@/lib/chat/settings";
import { estimateTokens } from "@/lib/chat/token-estimate";
import type { ChatSettings, ChatUIMessage } from "@/lib/chat/types";
import { conversationKeys } from "@/lib/query/conversations";
import { randomId } from "@/lib/utils";
import { ChatDropZone } from "./attachments/chat-drop-zone";
import { ChatHeader } from "./chat-header";
import type { ChatDialog, ChatShellInput, ChatState } from "./chat-context";
import { ChatStateContext, createChatStore } from "./chat-context";
import type { ChatEngineProps, ChatEngineState } from "./chat-engine";
import type { ChatRequestExtras } from "./chat-transport";
import type { ComposerHandle } from "./composer";
import { Composer } from "./composer";
import { DemoBanner } from "./demo-banner";
import { EmptyState } from "./empty-state";
import { useEngineLoader } from "./engine-loader";
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

type ChatActions = Pick<
  ChatState,
  | "setModel"
  | "updateSettings"
  | "resetSettings"
  | "send"
  | "omitImages"
  | "stop"
  | "regenerate"
  | "edit"
  | "continueReply"
  | "newChat"
  | "openDialog"
>;

/** The latest committed render's actions (set before anything can call them: the first layout effect). */
function createLatest() {
  let current: ChatActions | undefined;
  return {
    get current() {
      return current;
    },
    set(next: ChatActions) {
      current = next;
    },
  };
}

/** Functions that stay the same object for the shell's lifetime and call the latest render's actions. */
function bindActions(latest: { readonly current: ChatActions | undefined }): ChatActions {
  return {
    setModel: (model) => latest.current?.setModel(model),
    updateSettings: (patch) => latest.current?.updateSettings(patch),
    resetSettings: () => latest.current?.resetSettings(),
    send: (text, files) => latest.current?.send(text, files) ?? false,
    omitImages: () => latest.current?.omitImages(),
    stop: () => latest.current?.stop(),
    regenerate: () => latest.current?.regenerate(),
    edit: (messageId, text) => latest.current?.edit(messageId, text),
    continueReply: () => latest.current?.continueReply(),
    newChat: () => latest.current?.newChat(),
    openDialog: (dialog) => latest.current?.openDialog(dialog),
  };
}

const STREAM_UPDATE_MS = 50;

/** Asks the server to end the generation: it belongs to the server and outlives this request. */
function requestServerStop(chatId: string) {
  fetch(`/api/chat/${encodeURIComponent(chatId)}/stop`, { method: "POST", keepalive: true }).catch(() => {
    // Fire-and-forget: the local stream is already closed, and there is nothing useful to show.
  });
}

// A streamed update goes from the engine straight into the chat store: the shell does not render again for it, and
// its parts render only when what they read changes (memo keeps them out of the shell's own, rarer renders).
const Header = memo(ChatHeader);
const Banner = memo(DemoBanner);
const Messages = memo(MessageList);
const ComposerPart = memo(Composer);
const Announcer = memo(StatusAnnouncer);
const Settings = memo(SettingsDialog);
const Shortcuts = memo(ShortcutsDialog);

export interface ChatShellProps {
  /** The conversation's id: stored chats come from /c/[id]; a new chat gets a fresh one from /new. */
  chatId: string;
  /** The stored messages, loaded on the server. */
  initialMessages?: ChatUIMessage[];
  initialModel?: string;
  initialSettings?: ChatSettings;
  /** A reply may still be running on the server: re-attach to it (GET /api/chat/{id}/stream). */
  resume?: boolean;
}

export function ChatShell({
  chatId,
  initialMessages = [],
  initialModel,
  initialSettings,
  resume = false,
}: ChatShellProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  // Until the reconnect request answers, a reply the page loaded mid-way counts as streaming.
  const [resuming, setResuming] = useState(resume);
  // The engine, loaded after the first paint, and what the reader asked of it before it was there.
  const loader = useEngineLoader(resume);
  const { Engine, engine, pending, withEngine } = loader;
  // Whether the engine re-attaches to a running reply when it starts (not if the reader stopped it meanwhile).
  const [resumeEngine, setResumeEngine] = useState(resume);
  // Before the engine, the conversation is the stored one (the context budget may drop its oldest turns).
  const [baseMessages, setBaseMessages] = useState(initialMessages);
  const [endings, setEndings] = useState<ReadonlyMap<string, MessageEnding>>(() => new Map());
  const [dialog, setDialog] = useState<ChatDialog | null>(null);
  const models = useModels();
  const chatSettings = useChatSettings(models.data, { model: initialModel, settings: initialSettings });
  const { model, modelInfo, settings } = chatSettings;
  // Set when the reader goes on with a model that cannot read images; a model with vision clears it.
  const [imagesOmitted, setImagesOmitted] = useState(false);
  if (imagesOmitted && modelInfo?.vision) setImagesOmitted(false);
  const composerRef = useRef<ComposerHandle>(null);
  const { scrollerRef, contentRef, away, follow } = useStickToBottom<HTMLDivElement, HTMLDivElement>();
  const stored = useRef(initialMessages.length > 0);

  const onFinish: ChatEngineProps["onFinish"] = ({ message, isAbort, isError, isDisconnect }) => {
    // The server's closing metadata never reaches an aborted or broken stream, so remember how it ended.
    const ending: MessageEnding | undefined = isAbort ? "stopped" : isError || isDisconnect ? "failed" : undefined;
    if (ending) setEndings((previous) => new Map(previous).set(message.id, ending));
    // The reply is stored now (and a first one names the chat): the history list catches up.
    void queryClient.invalidateQueries({ queryKey: conversationKeys.all });
  };

  const retryEngine = loader.retry;
  const onReconnect = useCallback(() => setResuming(false), []);

  const engineSetMessages = engine?.setMessages;
  const setMessages = useCallback(
    (next: ChatUIMessage[]) => (engineSetMessages ? engineSetMessages(next) : setBaseMessages(next)),
    [engineSetMessages],
  );
  const budget = useContextBudget({ setMessages, system: settings.system, contextWindow: modelInfo?.contextWindow });

  // The parts get functions that never change (each calls this render's version), so reading one never makes a
  // component render again; only the data below changes.
  const [latestActions] = useState(createLatest);
  const [stableActions] = useState(() => bindActions(latestActions));
  const input: ChatShellInput = {
    chatId,
    baseMessages,
    pendingMessage: pending?.message,
    // An action waiting for the engine (or for its own task) counts as sent.
    pending: pending ? (pending.failed ? "failed" : "waiting") : null,
    resuming,
    endings,
    model,
    modelInfo,
    settings,
    budget,
    imagesOmitted,
    ...stableActions,
  };
  const [store] = useState(() => createChatStore(input));
  useEffect(() => () => store.dispose(), [store]);
  // The conversation, status and error as of now (the shell does not render for streamed updates).
  const now = store.get;
  const isEmpty = () => store.get().messages.length === 0;
  const empty = useSyncExternalStore(store.subscribe, isEmpty, isEmpty);

  // The engine reports every streamed update: it goes into the store; the loader hears only of a new engine.
  const reported = useRef<ChatEngineState | null>(null);
  const onEngineChange = (next: ChatEngineState) => {
    store.setEngine(next);
    const known = reported.current;
    if (
      known &&
      known.sendMessage === next.sendMessage &&
      known.regenerate === next.regenerate &&
      known.stop === next.stop &&
      known.setMessages === next.setMessages
    ) {
      return;
    }
    reported.current = next;
    loader.onEngineChange(next);
  };

  // A new chat waits in the composer: the reader can type at once.
  useEffect(() => {
    if (initialMessages.length === 0 && window.matchMedia("(pointer: fine)").matches) composerRef.current?.focus();
    // Only when the chat first shows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** The first question makes a new chat a stored one, with its own address. */
  const markStored = () => {
    if (stored.current) return;
    stored.current = true;
    window.history.replaceState(null, "", `/c/${encodeURIComponent(chatId)}`);
    void queryClient.invalidateQueries({ queryKey: conversationKeys.all });
  };

  const extras = (): ChatRequestExtras | undefined =>
    model
      ? { model, settings: requestSettings(settings, modelInfo), ...(imagesOmitted ? { omitImages: true } : {}) }
      : undefined;
  // Nothing is sent once the conversation fills the model's context: the gateway would only answer 400.
  const fits = (extraTokens = 0) => {
    const { used, contextWindow } = now().context;
    return !contextWindow || used + extraTokens < contextWindow;
  };
  const ready = () => !now().isBusy && extras() !== undefined;

  const stopReply = () => {
    setResuming(false);
    // Every Stop (the composer's button and Esc, the page-wide Esc) comes here: the composer hears of it, and a
    // question that had not gone out yet comes back to it, text and images (useUnsentQuestion).
    composerRef.current?.stopping();
    if (pending) {
      // Nothing was sent yet: the question goes back to the composer instead.
      loader.cancel();
      return;
    }
    if (engine) void engine.stop();
    else setResumeEngine(false);
    requestServerStop(chatId);
  };

  const actions: ChatActions = {
    setModel: chatSettings.setModel,
    updateSettings: chatSettings.updateSettings,
    resetSettings: chatSettings.resetSettings,
    send: (text, files = []) => {
      const body = extras();
      if (pending?.failed) {
        // The engine could not be loaded: try again; the new text stays in the composer.
        retryEngine();
        return false;
      }
      if (!body || now().isBusy || !fits(estimateTokens(text))) return false;
      follow();
      // Images first, as file parts pointing at /api/images/<id>; a question of images alone has no text part.
      const message: ChatUIMessage = {
        id: randomId(),
        role: "user",
        parts: [...files, ...(text ? [{ type: "text" as const, text }] : [])],
      };
      withEngine((chat) => {
        markStored();
        void chat.sendMessage(message, { body });
      }, message);
      return true;
    },
    omitImages: () => setImagesOmitted(true),
    stop: () => {
      if (now().isBusy) stopReply();
    },
    regenerate: () => {
      if (pending?.failed) return retryEngine();
      if (!ready() || !fits()) return;
      follow();
      const body = extras();
      withEngine((chat) => void chat.regenerate({ body }));
    },
    edit: (messageId, text) => {
      if (!ready() || !fits(estimateTokens(text))) return;
      follow();
      // useChat replaces the question and drops every message after it; the question keeps its images.
      const files =
        now()
          .messages.find((m) => m.id === messageId)
          ?.parts.filter((p): p is FileUIPart => p.type === "file") ?? [];
      const body = extras();
      withEngine((chat) => void chat.sendMessage({ text, files, messageId }, { body }));
    },
    continueReply: () => {
      const body = extras();
      if (!body || now().isBusy || !fits() || now().messages.at(-1)?.role !== "assistant") return;
      follow();
      // No new message: the request ends with the cut reply, and the server streams into that same id.
      withEngine(
        (chat) => void chat.sendMessage(undefined, { body: { ...body, continue: true } satisfies ChatRequestExtras }),
      );
    },
    newChat: () => {
      setDialog(null);
      // A fresh id in the address: the router renders a new page (and a new chat) every time.
      const go = () => router.push(`/new?id=${randomId()}`);
      // A question still waiting for the engine is sent first (its reply then runs on the server like any other).
      if (loader.after(go)) return;
      // The reply keeps running on the server (only Stop ends it); this page just stops listening.
      if (now().isBusy && engine) void engine.stop();
      go();
    },
    openDialog: setDialog,
  };
  useLayoutEffect(() => {
    latestActions.set(actions);
    store.setShell(input);
  });

  const closeDialog = useCallback(() => setDialog(null), []);

  useShortcuts({
    onHelp: () => setDialog("shortcuts"),
    onNewChat: stableActions.newChat,
    onStop: stableActions.stop,
  });

  return (
    <ChatStateContext value={store}>
      {/* Images dropped anywhere on the chat go to the composer's tray. */}
      <ChatDropZone
        onFiles={(files) => composerRef.current?.attach(files)}
        className="flex h-dvh min-w-0 flex-1 flex-col"
      >
        <Header />
        <Banner />
        <div className="relative min-h-0 flex-1">
          <div
            ref={scrollerRef}
            data-testid="chat-scroller"
            className="h-full overflow-x-hidden overflow-y-auto overscroll-contain"
          >
            <div ref={contentRef} className="mx-auto w-full max-w-3xl px-4 py-6">
              {empty ? <EmptyState onPick={(text) => composerRef.current?.fill(text)} /> : <Messages />}
            </div>
          </div>
          {away && !empty && <JumpToLatest onJump={() => follow("smooth")} />}
        </div>
        <div className="mx-auto w-full max-w-3xl px-3 pb-3 sm:px-4 sm:pb-4">
          <ComposerPart ref={composerRef} />
        </div>
        <Announcer />
        {Engine && (
          <Engine
            chatId={chatId}
            messages={baseMessages}
            resume={resumeEngine}
            // A reply arrives in ~40 chunks a second; the screen follows at most every 50 ms (the text itself is
            // also painted at most once per animation frame, see useFrameText).
            throttle={STREAM_UPDATE_MS}
            onFinish={onFinish}
            onReconnect={onReconnect}
            onChange={onEngineChange}
          />
        )}
        <Settings open={dialog === "settings"} onClose={closeDialog} />
        <Shortcuts open={dialog === "shortcuts"} onClose={closeDialog} />
      </ChatDropZone>
    </ChatStateContext>
  );
}
