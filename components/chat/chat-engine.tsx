"use client";

// The chat engine: the AI SDK's useChat and its transport, with Zod (it validates every stream chunk) and the
// SDK's core. ~100 kB of gzip JavaScript that the page does not need to show a conversation or to let the reader
// type, so it is not part of the first load: the shell imports this module once the browser is idle after the first
// paint, or at once when the reader sends before then (see loadChatEngine in chat-shell.tsx).
import { useChat } from "@ai-sdk/react";
import type { ChatInit } from "ai";
import { useLayoutEffect, useRef, useState } from "react";
import type { ChatUIMessage } from "@/lib/chat/types";
import { createTransport } from "./chat-transport";

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
  throttle: number;
  onFinish: NonNullable<ChatInit<ChatUIMessage>["onFinish"]>;
  /** The reconnect request answered (204: nothing was running). Read once, when the engine starts. */
  onReconnect: (status: number) => void;
  /** Called before the browser paints, whenever the messages, the status or the error change. */
  onChange: (state: ChatEngineState) => void;
}

/** Runs useChat and hands its state to the shell; renders nothing. */
export function ChatEngine({ chatId, messages, resume, throttle, onFinish, onReconnect, onChange }: ChatEngineProps) {
  const latest = useRef(onChange);
  useLayoutEffect(() => {
    latest.current = onChange;
  });
  const [transport] = useState(() => createTransport({ onReconnect }));
  const chat = useChat<ChatUIMessage>({ id: chatId, messages, transport, resume, throttle, onFinish });
  const { status, error, sendMessage, regenerate, stop, setMessages } = chat;
  const current = chat.messages;
  useLayoutEffect(() => {
    latest.current({ messages: current, status, error, sendMessage, regenerate, stop, setMessages });
  }, [current, status, error, sendMessage, regenerate, stop, setMessages]);
  return null;
}
