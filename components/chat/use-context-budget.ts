"use client";

import { useCallback, useMemo, useState } from "react";
import {
  CONTEXT_WARNING_RATIO,
  estimateConversationTokens,
  MESSAGE_OVERHEAD_TOKENS,
  oldestTurnsToDrop,
  type EstimateMessage,
} from "@/lib/chat/token-estimate";
import { countTokens, type TokenCounter } from "@/lib/chat/token-counter";
import type { ChatUIMessage } from "@/lib/chat/types";

export interface ContextBudget {
  /** Tokens the conversation takes so far, without the draft. */
  used: number;
  /** The model's context window; undefined while the catalog loads. */
  contextWindow: number | undefined;
  /** Removes the oldest turns until the rest plus `extraTokens` is under 80% of the window; returns how many messages went. */
  dropOldestTurns: (extraTokens: number) => number;
  /** Forgets removed-turn bookkeeping (a new chat). */
  reset: () => void;
}

// Messages that did not change keep their estimate: while a reply streams only the last one is re-counted.
const entries = new WeakMap<ChatUIMessage, EstimateMessage>();
const tokens = new WeakMap<EstimateMessage, number>();

function entryOf(message: ChatUIMessage): EstimateMessage {
  let entry = entries.get(message);
  if (!entry) {
    const usage = message.metadata?.usage;
    // Only text goes upstream (reasoning stays with its reply), so only text is counted.
    const text = message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
    entry = { id: message.id, role: message.role, text, ...(usage ? { usage } : {}) };
    entries.set(message, entry);
  }
  return entry;
}

// The streaming reply is a new object on every update: per message id, only its new text is counted.
const counters = new Map<string, TokenCounter>();

function cachedTokens(entry: EstimateMessage): number {
  let count = tokens.get(entry);
  if (count === undefined) {
    const result = countTokens(entry.text, counters.get(entry.id));
    counters.set(entry.id, result.counter);
    count = result.tokens + MESSAGE_OVERHEAD_TOKENS;
    tokens.set(entry, count);
  }
  return count;
}

/**
 * The shell's part of the context budget: how to measure a conversation and how to drop its oldest turns. The chat
 * store applies it to the conversation it holds (see ChatState.context), so a streamed token does not render the
 * shell to re-count it.
 */
export interface BudgetInput {
  contextWindow: number | undefined;
  /** Tokens `messages` take in the model's context (cached per message: a streaming reply counts only its new text). */
  measure: (messages: ChatUIMessage[]) => number;
  /** Removes the oldest turns of `messages` until the rest plus `extraTokens` is under 80% of the window. */
  dropOldestTurns: (messages: ChatUIMessage[], extraTokens: number) => number;
  reset: () => void;
}

export function useContextBudget({
  setMessages,
  system,
  contextWindow,
}: {
  setMessages: (messages: ChatUIMessage[]) => void;
  system: string | undefined;
  contextWindow: number | undefined;
}): BudgetInput {
  // Replies whose reported usage still counts turns that were removed since.
  const [staleUsage, setStaleUsage] = useState<ReadonlySet<string>>(() => new Set());
  const measure = useCallback(
    (messages: ChatUIMessage[]) =>
      estimateConversationTokens(messages.map(entryOf), { system, staleUsage, estimate: cachedTokens }),
    [system, staleUsage],
  );

  const dropOldestTurns = useCallback(
    (messages: ChatUIMessage[], extraTokens: number) => {
      if (!contextWindow) return 0;
      const target = contextWindow * CONTEXT_WARNING_RATIO;
      const list = messages.map(entryOf);
      // Reported usage is the truth the meter shows: scale the per-message estimates up to it, so the turns
      // removed are the ones that make room by that measure, not by the (possibly low) estimate.
      const estimated = list.reduce((sum, entry) => sum + cachedTokens(entry), 0);
      const scale = estimated > 0 ? Math.max(1, measure(messages) / estimated) : 1;
      const count = oldestTurnsToDrop(list, {
        target,
        system,
        extra: extraTokens,
        estimate: (entry) => cachedTokens(entry) * scale,
      });
      if (count === 0) return 0;
      const kept = messages.slice(count);
      setMessages(kept);
      setStaleUsage(new Set(kept.map((message) => message.id)));
      return count;
    },
    [contextWindow, measure, setMessages, system],
  );

  const reset = useCallback(() => {
    setStaleUsage(new Set());
    counters.clear();
  }, []);

  return useMemo(
    () => ({ contextWindow, measure, dropOldestTurns, reset }),
    [contextWindow, measure, dropOldestTurns, reset],
  );
}
