"use client";

import type { FileUIPart } from "ai";
import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import type { ChatUIMessage } from "@/lib/chat/types";

// The composer's unsent text, kept per conversation in localStorage: a reload, a crash or a visit to
// another chat does not lose it. Memory is the working copy (storage may be full or disabled).

/** localStorage, which may be full or disabled (private mode, a blocked site): what cannot be read is null, what
 * cannot be written is not stored (null removes). */
const storage = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string | null): void {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    } catch {
      // Nothing stored; the callers say what lives on without it.
    }
  },
};

const PREFIX = "glm-chat.draft.";
const memory = new Map<string, string>();
const listeners = new Set<() => void>();

function read(key: string): string {
  return memory.get(key) ?? storage.get(key) ?? "";
}

function write(key: string, value: string): void {
  memory.set(key, value);
  // Not stored (storage full or disabled): the draft lives in memory for this visit.
  storage.set(key, value || null);
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

// The question last sent from this conversation's composer, kept (in localStorage, per conversation) until the
// server has taken it up: the reply streams or ends. A question taken back before it went out (Stop while the chat
// engine was still loading) returns to the composer with its images; one that never got out (the engine failed to
// load, or the request was refused) returns to it after a reload.

const UNSENT_PREFIX = "glm-chat.unsent.";

/** A question as the composer sent it: its text and its images (already stored, by URL). */
export interface UnsentQuestion {
  text: string;
  files: FileUIPart[];
}

const isImagePart = (value: unknown): value is FileUIPart => {
  const part = value as Partial<FileUIPart> | null;
  return (
    typeof part === "object" &&
    part !== null &&
    part.type === "file" &&
    typeof part.url === "string" &&
    part.url.startsWith("/api/images/") &&
    typeof part.mediaType === "string" &&
    (part.filename === undefined || typeof part.filename === "string")
  );
};

/** The held question of this conversation; undefined when none (or what storage holds is not one). */
export function heldQuestion(chatId: string): UnsentQuestion | undefined {
  const raw = storage.get(`${UNSENT_PREFIX}${chatId}`);
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<UnsentQuestion> | null;
    if (typeof value?.text !== "string" || !Array.isArray(value.files) || !value.files.every(isImagePart)) {
      return undefined;
    }
    return { text: value.text, files: value.files };
  } catch {
    return undefined;
  }
}

export function holdQuestion(chatId: string, question: UnsentQuestion): void {
  // Not stored (storage full or disabled): the question is only kept for Stop on this page (see useUnsentQuestion).
  storage.set(`${UNSENT_PREFIX}${chatId}`, JSON.stringify(question));
}

export function releaseQuestion(chatId: string): void {
  storage.set(`${UNSENT_PREFIX}${chatId}`, null);
}

/** What identifies a question in the conversation: its text and its images' URLs. */
export function questionKey(question: { text: string; files: readonly { url: string }[] }): string {
  return [question.text, ...question.files.map((f) => f.url)].join("\u0000");
}

/** The key of the conversation's last question (questionKey), "" when it has none. */
export function lastQuestionKey(messages: readonly ChatUIMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== "user") continue;
    const text = message.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");
    const files = message.parts.filter((p): p is FileUIPart => p.type === "file");
    return questionKey({ text, files });
  }
  return "";
}

type Status = "submitted" | "streaming" | "ready" | "error";

/**
 * The composer's sent question until the server takes it up. `hold` it when it is sent; it is let go once the reply
 * streams, or the chat is ready again with the question in the conversation (a reply stopped or finished). When the
 * reader pressed Stop (`stopping`) and the chat is ready again without it, it was taken back before it went out:
 * `restore` gets it back, text and images. (Without a Stop, a moment without it is the engine taking it over.) After a
 * reload, a held question that is not the conversation's last one is restored once, as the chat first shows.
 */
export function useUnsentQuestion(
  chatId: string,
  chat: { status: Status; lastQuestionKey: string },
  restore: (question: UnsentQuestion) => void,
): { hold: (question: UnsentQuestion) => void; stopping: () => void } {
  // The question this page sent and still holds (storage may be unavailable), whether the chat took it up, and
  // whether the reader pressed Stop since.
  const sent = useRef<{ question: UnsentQuestion; busy: boolean; stopped: boolean } | null>(null);
  const restoreRef = useRef(restore);
  useEffect(() => {
    restoreRef.current = restore;
  });

  // As the chat first shows: a question a previous visit left held.
  const { lastQuestionKey: lastKey, status } = chat;
  const mountKey = useRef(lastKey);
  useEffect(() => {
    const held = heldQuestion(chatId);
    if (!held) return;
    releaseQuestion(chatId);
    if (questionKey(held) !== mountKey.current) restoreRef.current(held);
  }, [chatId]);

  useEffect(() => {
    const current = sent.current;
    if (!current) return;
    if (status === "submitted" || status === "error") {
      // Sent, or waiting after a failure (the engine did not load, the request was refused): still held.
      current.busy = true;
      return;
    }
    const inConversation = lastKey === questionKey(current.question);
    if (status === "streaming" || (current.busy && inConversation)) {
      sent.current = null;
      releaseQuestion(chatId);
    } else if (current.busy && current.stopped) {
      // Ready again without it after Stop: it never went out.
      sent.current = null;
      releaseQuestion(chatId);
      restoreRef.current(current.question);
    }
  }, [chatId, status, lastKey]);

  const hold = useCallback(
    (question: UnsentQuestion) => {
      sent.current = { question, busy: false, stopped: false };
      holdQuestion(chatId, question);
    },
    [chatId],
  );
  const stopping = useCallback(() => {
    if (sent.current) sent.current.stopped = true;
  }, []);
  return { hold, stopping };
}
