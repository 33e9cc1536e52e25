"use client";

// The chat engine: the AI SDK's Chat and useChat with our transport, Zod (it validates every stream chunk) and the
// SDK's core. ~100 kB of gzip JavaScript that the page does not need to show a conversation or to let the reader
// type, so it is not part of the first load: the shell imports this module once the browser is idle after the first
// paint, or at once when the reader sends before then (see engine-loader.ts).
import { Chat, useChat } from "@ai-sdk/react";
import type { ChatInit } from "ai";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { ChatUIMessage } from "@/lib/chat/types";
import { createTransport, warmChunkSchema } from "./chat-transport";
import { whenIdle } from "./engine-loader";
import { messageBlocks } from "./message-blocks";

type UseChatHelpers = ReturnType<typeof useChat<ChatUIMessage>>;

/** What the shell reads from the engine: useChat's state and the functions that act on it (stable per chat). */
export type ChatEngineState = Pick<
  UseChatHelpers,
  "messages" | "status" | "error" | "sendMessage" | "regenerate" | "stop" | "setMessages"
>;

export interface ChatEngineProps {
  chatId: string;
  /** The conversation when the engine starts (later changes are the engine's own). */
  messages: ChatUIMessage[];
  /** Re-attach to a reply still running on the server (GET /api/chat/{id}/stream). */
  resume: boolean;
  /**
   * The messages are reported at most this often (ms) while a reply streams; what changes what the reader sees of the
   * reply's shape (its first text, a new block) is reported at once.
   */
  throttle: number;
  onFinish: NonNullable<ChatInit<ChatUIMessage>["onFinish"]>;
  /** The reconnect request answered (204: nothing was running). Read once, when the engine starts. */
  onReconnect: (status: number) => void;
  /**
   * Called when the engine starts, and whenever the messages (at most every `throttle` ms), the status or the error
   * change: straight from the chat, not through a render of this component.
   */
  onChange: (state: ChatEngineState) => void;
}

/**
 * useChat renders its component for every streamed update; the shell needs none of those renders (the chat store
 * takes the update), so its own copy of the messages follows only this often. It still keeps the status, the error,
 * resuming a running reply and re-attaching when the page becomes visible again.
 */
const USE_CHAT_MESSAGES_MS = 10_000;

type Handlers = Pick<ChatEngineProps, "onChange" | "onFinish">;

function createChat(
  id: string,
  messages: ChatUIMessage[],
  onReconnect: ChatEngineProps["onReconnect"],
  latest: {
    readonly current: Handlers;
  },
): Chat<ChatUIMessage> {
  return new Chat<ChatUIMessage>({
    id,
    messages,
    transport: createTransport({ onReconnect }),
    onFinish: (event) => latest.current.onFinish(event),
  });
}

/**
 * How long a change the reader cannot see (see createReporter) may wait for the reply's first text: the time from the
 * reply's first chunk to its first text when the model answers at once.
 */
const UNSEEN_MS = 250;

/**
 * What the reader sees of the conversation's shape: its messages and the blocks of the last one. A reply that shows
 * nothing yet (the empty message its first chunk makes, then its empty text part) counts as not there: the list shows
 * the same "connecting" either way.
 */
function visibleShape(messages: readonly ChatUIMessage[]): string {
  const last = messages.at(-1);
  if (last?.role !== "assistant") return String(messages.length);
  const blocks = messageBlocks(last.parts).length;
  return blocks === 0 ? String(messages.length - 1) : `${messages.length}:${blocks}`;
}

/**
 * When the chat's state is handed to the shell. A change of what the reader sees of the reply's shape — above all its
 * first text — goes out at once, so a reply's first text is on screen in the render right after it arrives, not a
 * throttle window later. Text growing inside a block goes out at most every `throttleMs` (leading and trailing, as the
 * SDK's own throttle did: the reply's empty message, made by its first chunk, goes out so). While a reply shows
 * nothing yet, what the reader could not see waits up to UNSEEN_MS: the reply's empty text part and the status turning
 * from submitted to streaming (the shell shows "connecting" either way), which come in the same network read as the
 * first text, go out with it in one render instead of a render of their own right before it. Every other status
 * change and every new error goes out at once (the end of a reply among them).
 */
export function createReporter(
  chat: Pick<Chat<ChatUIMessage>, "messages" | "status" | "error">,
  report: () => void,
  throttleMs: number,
) {
  let lastAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let shape = visibleShape(chat.messages);
  let count = chat.messages.length;
  let status = chat.status;
  let error = chat.error;
  const now = () => {
    clearTimeout(timer);
    timer = undefined;
    lastAt = performance.now();
    shape = visibleShape(chat.messages);
    count = chat.messages.length;
    status = chat.status;
    error = chat.error;
    report();
  };
  const later = (delay: number) => {
    timer ??= setTimeout(now, Math.max(0, delay));
  };
  // A reply is under way and shows nothing yet.
  const nothingShown = () => {
    if (chat.status !== "submitted" && chat.status !== "streaming") return false;
    const last = chat.messages.at(-1);
    return last?.role !== "assistant" || messageBlocks(last.parts).length === 0;
  };
  return {
    now,
    messages() {
      if (throttleMs <= 0 || visibleShape(chat.messages) !== shape) return now();
      // The reply's empty message itself goes out as any update: its first chunk comes well before its text.
      if (nothingShown() && chat.messages.length === count) return later(Math.max(throttleMs, UNSEEN_MS));
      const wait = throttleMs - (performance.now() - lastAt);
      if (wait <= 0) now();
      else later(wait);
    },
    status() {
      if (throttleMs > 0 && status === "submitted" && chat.status === "streaming" && nothingShown()) {
        return later(Math.max(throttleMs, UNSEEN_MS));
      }
      now();
    },
    // The chat sets its error with every status change: only a new one is news.
    error() {
      if (chat.error !== error) now();
    },
    stop: () => {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

function replaceMessages(chat: Chat<ChatUIMessage>, next: Parameters<ChatEngineState["setMessages"]>[0]): void {
  chat.messages = typeof next === "function" ? next(chat.messages) : next;
}

/** Runs the chat and hands its state to the shell; renders nothing. */
export function ChatEngine({ chatId, messages, resume, throttle, onFinish, onReconnect, onChange }: ChatEngineProps) {
  const latest = useRef<Handlers>({ onChange, onFinish });
  useLayoutEffect(() => {
    latest.current = { onChange, onFinish };
  });
  // One chat per engine: the shell renders a new page, and so a new engine, for another conversation.
  // (The chat reads `latest` when a reply finishes, never while this renders.)
  // eslint-disable-next-line react-hooks/refs
  const [chat] = useState(() => createChat(chatId, messages, onReconnect, latest));
  useChat<ChatUIMessage>({ chat, resume, throttle: USE_CHAT_MESSAGES_MS });
  // useChat stops only the chats it made itself.
  useEffect(() => () => void chat.stop(), [chat]);
  const setMessages = useCallback<ChatEngineState["setMessages"]>((next) => replaceMessages(chat, next), [chat]);

  useLayoutEffect(() => {
    const report = () =>
      latest.current.onChange({
        messages: chat.messages,
        status: chat.status,
        error: chat.error,
        sendMessage: chat.sendMessage,
        regenerate: chat.regenerate,
        stop: chat.stop,
        setMessages,
      });
    const reporter = createReporter(chat, report, throttle);
    reporter.now();
    const unsubscribe = [
      chat["~registerMessagesCallback"](reporter.messages),
      chat["~registerStatusCallback"](reporter.status),
      chat["~registerErrorCallback"](reporter.error),
      reporter.stop,
    ];
    return () => unsubscribe.forEach((stop) => stop());
  }, [chat, throttle, setMessages]);
  // The chunk schema's first use costs tens of ms: not at the reply's first bytes.
  useEffect(() => whenIdle(() => void warmChunkSchema()), []);
  return null;
}
