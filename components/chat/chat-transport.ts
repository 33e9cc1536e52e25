import { DefaultChatTransport } from "ai";
import type { ChatSettings, ChatUIMessage } from "@/lib/chat/types";

/** Per-request fields the shell adds to the body useChat builds (see POST /api/chat). */
export interface ChatRequestExtras {
  model: string;
  settings?: ChatSettings;
  /** Extend the final assistant reply (cut at max output) instead of answering a new question. */
  continue?: boolean;
  /** Leave the conversation's images out (the reader chose to go on with a model that cannot read them). */
  omitImages?: boolean;
}

export interface TransportEvents {
  /** The reconnect request (GET /api/chat/{id}/stream) answered: 204 means nothing was running. */
  onReconnect?: (status: number) => void;
}

export function createTransport(events: TransportEvents = {}) {
  return new DefaultChatTransport<ChatUIMessage>({
    api: "/api/chat",
    // The server keeps the conversation: the browser sends only what is new (the question, the
    // edited question, or the cut reply to continue) and says what to do with it.
    prepareSendMessagesRequest: ({ id, messages, body, trigger, messageId }) => {
      const { model, settings, continue: continuing, omitImages } = (body ?? {}) as Partial<ChatRequestExtras>;
      const last = messages.at(-1);
      return {
        body: {
          id,
          messages: last ? [last] : [],
          // Turns dropped to fit the context window are dropped on the server too.
          ...(messages[0] ? { firstMessageId: messages[0].id } : {}),
          model,
          settings,
          trigger,
          ...(messageId ? { messageId } : {}),
          ...(continuing ? { continue: true } : {}),
          ...(omitImages ? { omitImages: true } : {}),
        },
      };
    },
    // A reconnect replays the server's generation from its start (see lib/chat/generation.ts).
    resumeStreamIsReplay: true,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if ((init?.method ?? "GET") === "GET") events.onReconnect?.(response.status);
      return response;
    },
  });
}
