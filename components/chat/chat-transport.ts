import { DefaultChatTransport } from "ai";
import type { ChatSettings, ChatUIMessage } from "@/lib/chat/types";

/** Per-request fields the shell adds to the body useChat builds (see POST /api/chat). */
export interface ChatRequestExtras {
  model: string;
  settings?: ChatSettings;
  /** Extend the final assistant reply (cut at max output) instead of answering a new question. */
  continue?: boolean;
}

export function createTransport() {
  return new DefaultChatTransport<ChatUIMessage>({
    api: "/api/chat",
    prepareSendMessagesRequest: ({ id, messages, body }) => {
      const { model, settings, continue: continuing } = (body ?? {}) as Partial<ChatRequestExtras>;
      return { body: { id, messages, model, settings, ...(continuing ? { continue: true } : {}) } };
    },
  });
}

/** Asks the server to end the generation: it belongs to the server and outlives this request. */
export function requestServerStop(chatId: string) {
  fetch(`/api/chat/${encodeURIComponent(chatId)}/stop`, { method: "POST", keepalive: true }).catch(() => {
    // Fire-and-forget: the local stream is already closed, and there is nothing useful to show.
  });
}
