import "server-only";
import type { ChatMessageMetadata, ChatUIMessage } from "@/lib/chat/types";
import { AppError } from "@/lib/errors";
import type { Db } from "../client";
import type { MessageStatus } from "../schema";
import type { NewConversation } from "./conversations";
import { parseJson } from "./json";
import {
  assertWithinLimits,
  getMessage,
  insertOrReadWinner,
  partsText,
  toStored,
  type ConcurrencyLimit,
  type MessagePart,
  type MessageWrites,
  type NewMessage,
  type StoredMessage,
  type TokenLimit,
  type TurnRows,
} from "./message-rows";
import { lockUsersReplies, postgresMessageWrites } from "./messages-postgres";
import { sqliteMessageWrites } from "./messages-sqlite";

// Messages, always through their owner. A reply is stored while it streams (inserted as
// 'streaming', its text rewritten as it grows, finalized with status, usage and finish reason), so
// a crash or restart loses at most the last second of it. The writes each dialect does its own way live in
// messages-sqlite.ts and messages-postgres.ts (one interface, MessageWrites in message-rows.ts); the rest is Kysely.

export { countStreamingReplies, getMessage, partsText } from "./message-rows";
export type { ConcurrencyLimit, MessagePart, StoredMessage, TokenLimit, TurnRows } from "./message-rows";

const writes = (db: Db): MessageWrites => (db.dialect === "postgres" ? postgresMessageWrites : sqliteMessageWrites);

/** The message as useChat holds it. */
export function toUIMessage(message: StoredMessage): ChatUIMessage {
  return {
    id: message.id,
    role: message.role,
    parts: message.parts,
    metadata: { createdAt: message.createdAt, ...message.metadata },
  };
}

function appendMessage(db: Db, userId: string, conversationId: string, input: NewMessage): Promise<StoredMessage> {
  return insertOrReadWinner(db, writes(db).insert, userId, conversationId, input, input.now ?? Date.now());
}

/**
 * A turn's rows, in this order: a new chat (when `chat` is given), the question (left out when it is stored
 * already) and its reply, inserted as 'streaming' before the gateway is called. SQLite: all in one
 * transaction, so one commit instead of three (the commit is most of what storing a row costs there, and it
 * runs on the server's one thread); PostgreSQL: one statement each, in one transaction under the user's lock
 * when a concurrency limit is given. Nothing is stored when the question cannot
 * be (not_found), nor when `chat` exists already (then the answer is null: read it and go the general way).
 */
export async function appendTurnMessages(
  db: Db,
  userId: string,
  conversationId: string,
  input: {
    chat?: Omit<NewConversation, "id" | "now">;
    question?: { id: string; parts: MessagePart[] };
    reply: { id: string; model: string };
    now?: number;
    /** Checked in the same transaction as the rows are stored: over it, nothing is. */
    concurrency?: ConcurrencyLimit | undefined;
    /** Likewise; the reply's row holds `tokens.reserve` while it streams. */
    tokens?: TokenLimit | undefined;
  },
): Promise<TurnRows | null> {
  const now = input.now ?? Date.now();
  const question = input.question && { ...input.question, role: "user" as const, status: "done" as const };
  const reply = {
    id: input.reply.id,
    role: "assistant" as const,
    parts: [],
    status: "streaming" as const,
    metadata: { model: input.reply.model, createdAt: now },
    ...(input.tokens ? { reservedTokens: input.tokens.reserve } : {}),
  };
  const newChat = input.chat && { ...input.chat, id: conversationId, now };
  const rows = { newChat, question, reply };
  return writes(db).turnRows(db, userId, conversationId, rows, now, input.concurrency, input.tokens);
}

export function appendUserMessage(
  db: Db,
  userId: string,
  conversationId: string,
  input: { id: string; parts: MessagePart[]; now?: number },
): Promise<StoredMessage> {
  return appendMessage(db, userId, conversationId, { ...input, role: "user", status: "done" });
}

/** Inserts the reply as 'streaming' before the first token, so that it exists if anything fails. */
export function startAssistantMessage(
  db: Db,
  userId: string,
  conversationId: string,
  input: { id: string; model: string; parts?: MessagePart[]; now?: number },
): Promise<StoredMessage> {
  const now = input.now ?? Date.now();
  return appendMessage(db, userId, conversationId, {
    id: input.id,
    role: "assistant",
    parts: input.parts ?? [],
    status: "streaming",
    metadata: { model: input.model, createdAt: now },
    now,
  });
}

/**
 * Rewrites a streaming reply's parts and text; false when the reply is gone or already final.
 * A reply that a stale-sweep marked interrupted while it was in fact alive becomes streaming again.
 */
export async function updateStreamingMessage(
  db: Db,
  userId: string,
  id: string,
  input: { parts: MessagePart[]; now?: number },
): Promise<boolean> {
  const row = { parts: JSON.stringify(input.parts), text: partsText(input.parts), now: input.now ?? Date.now() };
  return writes(db).updateStreaming(db, userId, id, row);
}

/**
 * A finished reply being continued (cut at max output) streams again: it counts as in progress and
 * its row is rewritten as it grows. False when the reply is gone or not the user's. Under a concurrency limit
 * (replies in its own chat do not count), quota_concurrency_exceeded and nothing changes when the user is at it;
 * under a daily token limit, quota_tokens_exceeded likewise, and the reply holds `tokens.reserve` while it streams;
 * checked in the same transaction (on PostgreSQL under the user's lock, as a new turn's rows are stored).
 */
export async function reopenReply(
  db: Db,
  userId: string,
  id: string,
  now = Date.now(),
  limit?: ConcurrencyLimit,
  tokens?: TokenLimit,
): Promise<boolean> {
  const reopen = async (kysely: Db["kysely"]) => {
    const result = await kysely
      .updateTable("messages")
      .set({ status: "streaming", updated_at: now, reserved_tokens: tokens?.reserve ?? 0 })
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .where("role", "=", "assistant")
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  };
  if (!limit && !tokens) return reopen(db.kysely);
  return db.kysely.transaction().execute(async (trx) => {
    if (db.dialect === "postgres") await lockUsersReplies(trx, userId);
    const reply = await trx
      .selectFrom("messages")
      .select("conversation_id")
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    if (!reply) return false;
    await assertWithinLimits({ ...db, kysely: trx }, userId, reply.conversation_id, limit, tokens, now);
    return reopen(trx);
  });
}

/** The reply's last word: its status, final parts and metadata. False when the reply is gone. */
export async function finalizeMessage(
  db: Db,
  userId: string,
  id: string,
  input: {
    status: Exclude<MessageStatus, "streaming">;
    parts: MessagePart[];
    metadata: ChatMessageMetadata;
    now?: number;
  },
): Promise<boolean> {
  return writes(db).finalize(db, userId, id, {
    parts: JSON.stringify(input.parts),
    text: partsText(input.parts),
    status: input.status,
    metadata: JSON.stringify(input.metadata),
    now: input.now ?? Date.now(),
  });
}

/** The conversation's messages in order; empty when it is not the user's. */
export async function listMessages(db: Db, userId: string, conversationId: string): Promise<StoredMessage[]> {
  const rows = await db.kysely
    .selectFrom("messages")
    .selectAll()
    .where("conversation_id", "=", conversationId)
    .where("user_id", "=", userId)
    .orderBy("seq")
    .execute();
  return rows.map(toStored);
}

/** Deletes a message and everything after it (edit and resend, regenerate). Returns how many. */
export async function deleteMessagesFrom(
  db: Db,
  userId: string,
  conversationId: string,
  messageId: string,
): Promise<number> {
  const from = await getMessage(db, userId, messageId);
  if (!from || from.conversationId !== conversationId) throw new AppError("not_found");
  const result = await db.kysely
    .deleteFrom("messages")
    .where("conversation_id", "=", conversationId)
    .where("user_id", "=", userId)
    .where("seq", ">=", from.seq)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes the messages before this one (the reader dropped the oldest turns). Returns how many. */
export async function deleteMessagesBefore(
  db: Db,
  userId: string,
  conversationId: string,
  messageId: string,
): Promise<number> {
  const from = await getMessage(db, userId, messageId);
  if (!from || from.conversationId !== conversationId) return 0;
  const result = await db.kysely
    .deleteFrom("messages")
    .where("conversation_id", "=", conversationId)
    .where("user_id", "=", userId)
    .where("seq", "<", from.seq)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Replies that stopped being written (the server restarted or died mid-reply) become
 * 'interrupted', keeping the text they had. `staleMs` 0 takes every streaming reply (startup of
 * the only instance); several instances pass the heartbeat window so they spare each other's live
 * replies. Not scoped to a user: a maintenance sweep. Returns how many were marked.
 */
export async function recoverInterrupted(db: Db, options: { staleMs?: number; now?: number } = {}): Promise<number> {
  const now = options.now ?? Date.now();
  const rows = await db.kysely
    .selectFrom("messages")
    .select(["id", "parts", "metadata", "updated_at"])
    .where("status", "=", "streaming")
    .where("updated_at", "<=", now - (options.staleMs ?? 0))
    .execute();
  const error = new AppError("stream_interrupted").toPayload();
  let marked = 0;
  for (const row of rows) {
    const parts = parseJson<MessagePart[]>(row.parts, []).map((p) =>
      "state" in p && p.state === "streaming" ? { ...p, state: "done" as const } : p,
    );
    const metadata: ChatMessageMetadata = {
      ...parseJson<ChatMessageMetadata>(row.metadata, {}),
      status: "interrupted",
      error,
    };
    const result = await db.kysely
      .updateTable("messages")
      .set({ status: "interrupted", parts: JSON.stringify(parts), metadata: JSON.stringify(metadata), updated_at: now })
      .where("id", "=", row.id)
      .where("status", "=", "streaming")
      // Untouched since it was read: a writer that woke up meanwhile keeps its reply.
      .where("updated_at", "=", row.updated_at)
      .executeTakeFirst();
    marked += Number(result.numUpdatedRows);
  }
  return marked;
}
