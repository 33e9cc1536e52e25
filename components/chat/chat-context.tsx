"use client";

import type { ChatStatus } from "ai";
import { createContext, use } from "react";
import type { ChatUIMessage } from "@/lib/chat/types";
import type { AppErrorPayload } from "@/lib/errors";
import type { MessageEnding } from "./message-status";

/** What the chat shell shares with its parts, instead of drilling props through the tree. */
export interface ChatState {
  chatId: string;
  messages: ChatUIMessage[];
  status: ChatStatus;
  /** True from sending until the reply ends: the composer shows Stop instead of Send. */
  isBusy: boolean;
  /** Replies the browser saw end early, by id (Stop or a failed stream). */
  endings: ReadonlyMap<string, MessageEnding>;
  /** The error to show under the conversation, if any. */
  error: AppErrorPayload | undefined;
  model: string | undefined;
  setModel: (model: string) => void;
  send: (text: string) => void;
  stop: () => void;
  retry: () => void;
}

export const ChatStateContext = createContext<ChatState | null>(null);

export function useChatState(): ChatState {
  const state = use(ChatStateContext);
  if (!state) throw new Error("useChatState must be used inside <ChatShell>");
  return state;
}
