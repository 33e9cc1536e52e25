import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import {
  ensureConversation,
  getConversation,
  updateConversationSettings,
  type Conversation,
} from "@/lib/db/queries/conversations";
import {
  appendTurnMessages,
  deleteMessagesBefore,
  type ConcurrencyLimit,
  type TokenLimit,
  deleteMessagesFrom,
  listMessages,
  type MessagePart,
  partsText,
  type StoredMessage,
} from "@/lib/db/queries/messages";
import { AppError } from "@/lib/errors";
import { withPrompt } from "@/lib/quota";
import { messageText } from "./to-wire";
import type { ChatSettings } from "./types";

// One turn of a conversation, prepared from the database: the stored history is the truth, the
// browser only says what is new (a question, an edited question, "regenerate", "continue").
// Everything here happens before any of the reply reaches the browser, so the question (and the reply's row) is
// stored first; the gateway may already be working on it (TurnRequest.beforeStore).

export interface TurnRequest {
  chatId: string;
  model: string;
  settings: ChatSettings;
  /** The browser's newest message (the question; or the cut reply when continuing). */
  incoming: {
    id: string;
    role: "user" | "assistant";
    parts: Array<{ type: string; text?: unknown; url?: unknown; mediaType?: unknown; filename?: unknown }>;
  };
  trigger?: string | undefined;
  continue?: boolean | undefined;
  /** The oldest message the browser kept after dropping turns to fit the context window. */
  firstMessageId?: string | undefined;
  maxMessages: number;
  /** The user's limit on replies at once, checked again as the reply's row is stored (lib/quota). */
  concurrency?: ConcurrencyLimit | undefined;
  /** The user's tokens per day, likewise; the reply reserves its estimate plus the conversation's (lib/quota). */
  tokens?: TokenLimit | undefined;
  /**
   * Called with the conversation as it will go upstream (what is kept, then the question) once it is known and
   * before the turn's rows are written, so that the gateway can start on it while they are (lib/chat/chat-post.ts).
   * Nothing of the turn is stored yet when it throws. Not called for a continuation.
   */
  beforeStore?: ((history: ReadonlyArray<Pick<StoredMessage, "role" | "parts">>) => Promise<void>) | undefined;
}

export interface Turn {
  conversation: Conversation;
  /** The conversation as it goes upstream, oldest first (the cut reply last when continuing). */
  history: StoredMessage[];
  /** The message the reply streams into: a new id, or the cut reply's own when continuing. */
  replyId: string;
  /** The reply being continued, whose text the continuation extends. */
  continued: StoredMessage | undefined;
  /** No reply existed before this one: the chat gets its title afterwards. */
  firstReply: boolean;
  /**
   * When the reply's row was inserted ('streaming'), together with the question: a new reply's row is stored
   * here; a continuation's (undefined) is reopened by runTurn.
   */
  replyStoredAt?: number;
  /** A continuation's limit on replies at once, checked again as runTurn reopens the reply. */
  concurrency?: ConcurrencyLimit | undefined;
  /** A continuation's daily token limit and reservation, likewise. */
  tokens?: TokenLimit | undefined;
}

const textPart = (text: string): MessagePart => ({ type: "text", text });

/**
 * A question is stored as its text and the stored images it references (by URL); anything else the
 * browser put in it (reasoning, metadata, data URLs) is not the browser's to write.
 */
function userParts(incoming: TurnRequest["incoming"]): MessagePart[] {
  const images = incoming.parts.flatMap((p): MessagePart[] =>
    p.type === "file" && typeof p.url === "string" && p.url.startsWith("/api/images/")
      ? [
          {
            type: "file",
            url: p.url,
            mediaType: typeof p.mediaType === "string" ? p.mediaType : "image/jpeg",
            // The file's own name, shown on the thumbnail and in the viewer after a reload.
            ...(typeof p.filename === "string" && p.filename ? { filename: p.filename.slice(0, 255) } : {}),
          },
        ]
      : [],
  );
  const text = messageText(incoming);
  return [...images, ...(text ? [textPart(text)] : [])];
}

/** A question about to be stored, as the token estimate reads it. */
const asked = (question: { id: string; parts: MessagePart[] }) => ({
  id: question.id,
  role: "user" as const,
  text: partsText(question.parts),
  metadata: {},
});

const sameSettings = (a: ChatSettings, b: ChatSettings) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The browser dropped its oldest turns to fit the context window and holds nothing before
 * `firstMessageId`; when that is the new question itself, it dropped every stored turn.
 */
async function dropOldest(db: Db, userId: string, stored: StoredMessage[], request: TurnRequest): Promise<boolean> {
  const first = stored[0];
  if (!first || first.id === request.firstMessageId) return false;
  if (stored.some((m) => m.id === request.firstMessageId)) {
    return (await deleteMessagesBefore(db, userId, first.conversationId, request.firstMessageId!)) > 0;
  }
  if (request.continue || request.firstMessageId !== request.incoming.id) return false;
  return (await deleteMessagesFrom(db, userId, first.conversationId, first.id)) > 0;
}

const continueError = () =>
  new AppError("invalid_body", { detail: "continue: the last message must be a reply with text" });

export async function prepareTurn(db: Db, userId: string, request: TurnRequest): Promise<Turn> {
  const found = await getConversation(db, userId, request.chatId);
  // A continuation needs a reply to extend: refused before anything is created.
  if (request.continue && !found) throw continueError();
  // A new chat's first question: the chat, the question and the reply's row in one write.
  if (!found) {
    const turn = await newChatTurn(db, userId, request);
    if (turn) return turn;
  }
  let conversation =
    found ??
    (await ensureConversation(db, userId, { id: request.chatId, model: request.model, settings: request.settings }));
  if (conversation.deletedAt !== null) throw new AppError("not_found");
  if (conversation.model !== request.model || !sameSettings(conversation.settings, request.settings)) {
    conversation = await updateConversationSettings(db, userId, conversation.id, {
      model: request.model,
      settings: request.settings,
    });
  }
  // A chat nothing was ever added to (a new chat's first question) has nothing to read.
  let stored = conversation.messageCount === 0 ? [] : await listMessages(db, userId, conversation.id);
  if (request.firstMessageId && (await dropOldest(db, userId, stored, request))) {
    stored = await listMessages(db, userId, conversation.id);
  }

  if (request.continue) {
    const last = stored.at(-1);
    const asked = stored.some((m) => m.role === "user" && m.text.trim() !== "");
    if (last?.role !== "assistant" || last.text.trim() === "" || !asked) throw continueError();
    return {
      conversation,
      history: stored,
      replyId: last.id,
      continued: last,
      firstReply: false,
      concurrency: request.concurrency,
      tokens: withPrompt(request.tokens, stored),
    };
  }

  const { incoming } = request;
  const regenerate = request.trigger === "regenerate-message";
  const existingAt = stored.findIndex((m) => m.id === incoming.id);
  const last = stored.at(-1);
  // What stays: regenerate drops the last reply (the browser did too); an edited question replaces
  // itself and everything after it.
  const dropFrom = regenerate
    ? last?.role === "assistant"
      ? last
      : undefined
    : existingAt >= 0
      ? stored[existingAt]
      : undefined;
  const kept = dropFrom ? stored.slice(0, stored.indexOf(dropFrom)) : stored;
  const append = !kept.some((m) => m.id === incoming.id);
  if (kept.length + (append ? 1 : 0) > request.maxMessages) {
    throw new AppError("too_many_messages", { limit: request.maxMessages });
  }
  // The reply answers a question: the one appended now, or the last one kept.
  if (!append && kept.at(-1)?.role !== "user") throw new AppError("empty_message");
  const question = append ? { id: incoming.id, parts: userParts(incoming) } : undefined;
  await request.beforeStore?.(question ? [...kept, { role: "user", parts: question.parts }] : kept);
  if (dropFrom) await deleteMessagesFrom(db, userId, conversation.id, dropFrom.id);
  // What is stored now: what was kept, the question appended after it (newest seq) and the reply's row after
  // that, in one write (before any of the reply reaches the browser: a reply exists even if everything after fails).
  const replyId = `msg-${randomUUID()}`;
  const replyStoredAt = Date.now();
  const rows = await appendTurnMessages(db, userId, conversation.id, {
    ...(question ? { question } : {}),
    reply: { id: replyId, model: request.model },
    now: replyStoredAt,
    concurrency: request.concurrency,
    tokens: withPrompt(request.tokens, question ? [...kept, asked(question)] : kept),
  });
  // (null only when it is asked to create the chat)
  stored = rows?.question ? [...kept, rows.question] : kept;
  return {
    conversation,
    history: stored,
    replyId,
    replyStoredAt,
    continued: undefined,
    // The chat's first finished reply: a follow-up sent while that reply's title is still being
    // generated must not ask for (and bill) another one.
    firstReply:
      conversation.titleSource === "auto" &&
      conversation.title === "" &&
      !kept.some((m) => m.role === "assistant" && m.status === "done"),
  };
}

/**
 * A chat that does not exist yet: nothing to read, nothing to drop; it is created with its question and the
 * reply's row. Undefined (nothing stored) when the id turned out to exist meanwhile: the caller reads it.
 */
async function newChatTurn(db: Db, userId: string, request: TurnRequest): Promise<Turn | undefined> {
  const { incoming } = request;
  // What the general path refuses for an empty chat: nothing to regenerate, a reply is not a question.
  if (incoming.role !== "user") throw new AppError("empty_message");
  if (request.maxMessages < 1) throw new AppError("too_many_messages", { limit: request.maxMessages });
  const question = { id: incoming.id, parts: userParts(incoming) };
  await request.beforeStore?.([{ role: "user", parts: question.parts }]);
  const replyId = `msg-${randomUUID()}`;
  const replyStoredAt = Date.now();
  const rows = await appendTurnMessages(db, userId, request.chatId, {
    chat: { model: request.model, settings: request.settings },
    question,
    reply: { id: replyId, model: request.model },
    now: replyStoredAt,
    concurrency: request.concurrency,
    tokens: withPrompt(request.tokens, [asked(question)]),
  });
  if (!rows?.conversation || !rows.question) return undefined;
  return {
    conversation: rows.conversation,
    history: [rows.question],
    replyId,
    replyStoredAt,
    continued: undefined,
    firstReply: true,
  };
}
