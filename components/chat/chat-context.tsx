"use client";

import type { ChatStatus, FileUIPart } from "ai";
import { createContext, use, useRef, useSyncExternalStore } from "react";
import type { CatalogModel, ChatSettings, ChatUIMessage } from "@/lib/chat/types";
import type { AppErrorPayload } from "@/lib/errors";
import { AppError, parseErrorPayload } from "@/lib/errors";
import type { MessageEnding } from "./message-status";
import type { BudgetInput, ContextBudget } from "./use-context-budget";

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

/** What the engine (useChat) reports, many times a second while a reply streams. */
export interface EngineSnapshot {
  messages: ChatUIMessage[];
  status: ChatStatus;
  error: Error | undefined;
}

/**
 * What the shell puts in the store when it renders (which a streamed update does not make it do). The streamed
 * fields of ChatState (messages, status, isBusy, error, context.used) are derived from this and the engine's
 * latest snapshot inside the store.
 */
export interface ChatShellInput extends Omit<ChatState, "messages" | "status" | "isBusy" | "error" | "context"> {
  /** The conversation until the engine reports its own (the context budget may drop its oldest turns). */
  baseMessages: ChatUIMessage[];
  /** A question waiting for the engine (or for its own task): shown at once, with the id it is sent with. */
  pendingMessage: ChatUIMessage | undefined;
  /** An action waits for the engine (the chat counts as sent), or the engine could not be loaded. */
  pending: "waiting" | "failed" | null;
  /** A reply the page loaded mid-way counts as streaming until the reconnect request answers. */
  resuming: boolean;
  budget: BudgetInput;
}

/**
 * The chat state as an external store. The shell sets its part when it renders; the engine pushes each streamed
 * update straight in (setEngine), so a token renders only the parts that read what it changed (the message list,
 * the streaming message), not the shell, the header, the composer or the dialogs.
 */
export interface ChatStore {
  get(): ChatState;
  subscribe(listener: () => void): () => void;
  setShell(input: ChatShellInput): void;
  setEngine(snapshot: EngineSnapshot): void;
  /** Stops the pending context-meter refresh (the shell unmounts). */
  dispose(): void;
}

/** While a reply streams, the conversation's token estimate (the context meter) follows at most this often. */
export const BUDGET_REFRESH_MS = 1000;

/** `fn` remembering its last call: the same arguments (by Object.is) give the same result object. */
function lastCall<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | undefined;
  let lastResult: R;
  return (...args) => {
    if (!lastArgs || args.length !== lastArgs.length || args.some((arg, i) => !Object.is(arg, lastArgs![i]))) {
      lastResult = fn(...args);
      lastArgs = args;
    }
    return lastResult;
  };
}

function shallowEqual(a: object, b: object): boolean {
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.is(a[key as keyof typeof a], b[key as keyof typeof b]));
}

export function createChatStore(
  initial: ChatShellInput,
  { budgetRefreshMs = BUDGET_REFRESH_MS }: { budgetRefreshMs?: number } = {},
): ChatStore {
  let shell = initial;
  let engine: EngineSnapshot | null = null;
  const listeners = new Set<() => void>();

  // (Once sent, the question is the engine's own.)
  const withPending = lastCall((own: ChatUIMessage[], waiting: ChatUIMessage | undefined) =>
    waiting && !own.some((m) => m.id === waiting.id) ? [...own, waiting] : own,
  );
  const shownError = lastCall(
    (loadFailed: boolean, streamError: Error | undefined, replyError: AppErrorPayload | undefined) => {
      // The engine did not load (the network, or a deploy replaced its chunk): the question waits for Retry.
      if (loadFailed) return new AppError("connection_lost").toPayload();
      if (streamError) return parseErrorPayload(streamError.message);
      // A reply can also end with an error the server put in its metadata, with no stream error.
      return replyError;
    },
  );
  // The messages the estimate was made from: while a reply streams, refreshed on a timer rather than per token.
  let budgetMessages: ChatUIMessage[] | undefined;
  let budgetTimer: ReturnType<typeof setTimeout> | undefined;
  const measure = lastCall((budget: BudgetInput, messages: ChatUIMessage[]) => budget.measure(messages));
  // The functions stay the same while the budget does: they read the conversation when they are called.
  const bound = lastCall((budget: BudgetInput): Pick<ContextBudget, "dropOldestTurns" | "reset"> => ({
    dropOldestTurns: (extraTokens) => budget.dropOldestTurns(state.messages, extraTokens),
    reset: budget.reset,
  }));
  const context = lastCall(
    (used: number, contextWindow: number | undefined, functions: Pick<ContextBudget, "dropOldestTurns" | "reset">) => ({
      used,
      contextWindow,
      ...functions,
    }),
  );

  const derive = (): ChatState => {
    const { baseMessages, pendingMessage, pending, resuming, budget, ...rest } = shell;
    const messages = withPending(engine?.messages ?? baseMessages, pendingMessage);
    const chatStatus =
      pending === "failed" ? "error" : pending === "waiting" ? "submitted" : (engine?.status ?? "ready");
    const status: ChatStatus = resuming && chatStatus === "ready" ? "streaming" : chatStatus;
    const last = messages.at(-1);
    const error = shownError(
      pending === "failed",
      engine?.error,
      last?.role === "assistant" ? last.metadata?.error : undefined,
    );
    if (status !== "streaming" || budgetMessages === undefined) {
      clearTimeout(budgetTimer);
      budgetTimer = undefined;
      budgetMessages = messages;
    } else if (budgetMessages !== messages && budgetTimer === undefined) {
      budgetTimer = setTimeout(() => {
        budgetTimer = undefined;
        budgetMessages = state.messages;
        publish();
      }, budgetRefreshMs);
    }
    return {
      ...rest,
      messages,
      status,
      isBusy: status === "submitted" || status === "streaming",
      error,
      context: context(measure(budget, budgetMessages), budget.contextWindow, bound(budget)),
    };
  };
  let state = derive();
  const publish = () => {
    state = derive();
    for (const listener of listeners) listener();
  };

  return {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setShell(next) {
      if (next === shell || shallowEqual(next, shell)) return;
      shell = next;
      publish();
    },
    setEngine(next) {
      if (engine && next.messages === engine.messages && next.status === engine.status && next.error === engine.error) {
        return;
      }
      engine = { messages: next.messages, status: next.status, error: next.error };
      publish();
    },
    dispose() {
      clearTimeout(budgetTimer);
      budgetTimer = undefined;
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
