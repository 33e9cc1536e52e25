"use client";

import type { ChatStatus, FileUIPart } from "ai";
import { createContext, use } from "react";
import type { CatalogModel, ChatSettings, ChatUIMessage } from "@/lib/chat/types";
import type { AppErrorPayload } from "@/lib/errors";
import type { MessageEnding } from "./message-status";
import type { ContextBudget } from "./use-context-budget";

export type ChatDialog = "settings" | "shortcuts";

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
  modelInfo: CatalogModel | undefined;
  setModel: (model: string) => void;
  settings: ChatSettings;
  updateSettings: (patch: Partial<ChatSettings>) => void;
  resetSettings: () => void;
  context: ContextBudget;
  /** Sends a new question (with uploaded images as file parts); false when it was refused (busy, no model, or the context is full). */
  send: (text: string, files?: FileUIPart[]) => boolean;
  /** True once the reader chose to go on without images (a model without vision): requests leave them out. */
  imagesOmitted: boolean;
  omitImages: () => void;
  stop: () => void;
  /** Asks again for the last reply (also the error notice's Retry). */
  regenerate: () => void;
  /** Replaces a question and everything after it, and asks again. */
  edit: (messageId: string, text: string) => void;
  /** Extends the last reply where it was cut at max output. */
  continueReply: () => void;
  newChat: () => void;
  openDialog: (dialog: ChatDialog) => void;
}

export const ChatStateContext = createContext<ChatState | null>(null);

export function useChatState(): ChatState {
  const state = use(ChatStateContext);
  if (!state) throw new Error("useChatState must be used inside <ChatShell>");
  return state;
}
