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
  /** The messages are reported at most this often (ms) while a reply streams. */
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
    report();
    const unsubscribe = [
      chat["~registerMessagesCallback"](report, throttle),
      chat["~registerStatusCallback"](report),
      chat["~registerErrorCallback"](report),
    ];
    return () => unsubscribe.forEach((stop) => stop());
  }, [chat, throttle, setMessages]);
  // The chunk schema's first use costs tens of ms: not at the reply's first bytes.
  useEffect(() => whenIdle(() => void warmChunkSchema()), []);
  return null;
}
