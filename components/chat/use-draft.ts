"use client";

import { useCallback, useSyncExternalStore } from "react";

// The composer's unsent text, kept per conversation in localStorage: a reload, a crash or a visit to
// another chat does not lose it. Memory is the working copy (storage may be full or disabled).

const PREFIX = "glm-chat.draft.";
const memory = new Map<string, string>();
const listeners = new Set<() => void>();

function read(key: string): string {
  const held = memory.get(key);
  if (held !== undefined) return held;
  try {
    return localStorage.getItem(key) ?? "";
  } catch {
    return "";
  }
}

function write(key: string, value: string): void {
  memory.set(key, value);
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {
    // Storage full or disabled (private mode): the draft lives in memory for this visit.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab editing the same draft.
  const onStorage = (event: StorageEvent) => {
    if (event.key?.startsWith(PREFIX)) {
      memory.delete(event.key);
      listener();
    }
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** The draft of this conversation and its setter; empty on the server (no storage there). */
export function useDraft(chatId: string): [string, (value: string) => void] {
  const key = `${PREFIX}${chatId}`;
  const draft = useSyncExternalStore(
    subscribe,
    () => read(key),
    () => "",
  );
  const setDraft = useCallback((value: string) => write(key, value), [key]);
  return [draft, setDraft];
}
