"use client";

import type { ChatStatus, FileUIPart } from "ai";
import { createContext, use, useRef, useSyncExternalStore } from "react";
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

/**
 * The chat state as an external store: a streamed reply changes `messages` many times a second, and only the parts
 * that read what changed should render again (the header, the composer and the dialogs should not).
 */
export interface ChatStore {
  get(): ChatState;
  subscribe(listener: () => void): () => void;
  set(state: ChatState): void;
}

export function createChatStore(initial: ChatState): ChatStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
  };
}

export const ChatStateContext = createContext<ChatStore | null>(null);

function useStore(): ChatStore {
  const store = use(ChatStateContext);
  if (!store) throw new Error("useChatState must be used inside <ChatShell>");
  return store;
}

/**
 * The named fields of the chat state; the component renders again only when one of them changes (the shell keeps
 * its functions stable). Without names, the whole state, and every change renders again.
 */
export function useChatState(): ChatState;
export function useChatState<K extends keyof ChatState>(...keys: K[]): Pick<ChatState, K>;
export function useChatState<K extends keyof ChatState>(...keys: K[]): Pick<ChatState, K> {
  const store = useStore();
  const last = useRef<Pick<ChatState, K> | null>(null);
  const snapshot = () => {
    const state = store.get();
    if (keys.length === 0) return state;
    const previous = last.current;
    if (previous && keys.every((key) => Object.is(previous[key], state[key]))) return previous;
    const picked = {} as Pick<ChatState, K>;
    for (const key of keys) picked[key] = state[key];
    last.current = picked;
    return picked;
  };
  return useSyncExternalStore(store.subscribe, snapshot, snapshot);
}

/** A value derived from the chat state (compared with Object.is): e.g. a boolean about the messages. */
export function useChatSelector<T>(select: (state: ChatState) => T): T {
  const store = useStore();
  const snapshot = () => select(store.get());
  return useSyncExternalStore(store.subscribe, snapshot, snapshot);
}
