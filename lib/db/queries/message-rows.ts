import "server-only";
import { sql, type Selectable } from "kysely";
import type { ChatMessageMetadata, ChatUIMessage } from "@/lib/chat/types";
import { AppError } from "@/lib/errors";
import type { Db } from "../client";
import { formatShanghai } from "../day";
import type { MessageRole, MessageStatus, MessagesTable } from "../schema";
import type { Conversation, NewConversation } from "./conversations";
import { parseJson } from "./json";

// What the two dialects' message writes share (lib/db/queries/messages-sqlite.ts, messages-postgres.ts): the row
// types, the interface each implements, and the queries both use. lib/db/queries/messages.ts is the one entry point.

export type MessagePart = ChatUIMessage["parts"][number];

export interface StoredMessage {
  id: string;
  conversationId: string;
  userId: string;
  seq: number;
  role: MessageRole;
  parts: MessagePart[];
  text: string;
  status: MessageStatus;
  metadata: ChatMessageMetadata;
  createdAt: number;
  updatedAt: number;
}

export function toStored(row: Selectable<MessagesTable>): StoredMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    userId: row.user_id,
    seq: Number(row.seq),
    role: row.role,
    parts: parseJson<MessagePart[]>(row.parts, []),
    text: row.text,
    status: row.status,
    metadata: parseJson<ChatMessageMetadata>(row.metadata, {}),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Plain text of the text parts: what search and export read. */
export function partsText(parts: readonly MessagePart[]): string {
  return parts
    .filter((p): p is Extract<MessagePart, { type: "text" }> => p.type === "text")
    .map((p) => p.text)
    .join("\n\n");
}

export interface NewMessage {
  id: string;
  role: MessageRole;
  parts: MessagePart[];
  status: MessageStatus;
  metadata?: ChatMessageMetadata;
  now?: number;
  /** A reply's hold on the user's daily tokens while it streams (TokenLimit.reserve). */
  reservedTokens?: number;
}

/**
 * The most replies one user may have streaming at once. Replies written to within `staleMs` count (one whose server
 * went away stops counting); those in the turn's own chat do not (the reply it replaces). Checked together with
 * storing the new reply's row, so that two questions sent in the same instant cannot both take the last place.
 */
export interface ConcurrencyLimit {
  limit: number;
  staleMs: number;
}

/**
 * The user's tokens per day, held by replies in progress too: usage is known only when a reply ends, so each reply
 * reserves an estimate of what it may spend (its prompt's estimate plus its max output tokens) on its row while it
 * streams. A new reply may start while today's recorded usage plus what the replies in progress reserve is under the
 * limit, checked together with storing its row (as ConcurrencyLimit); the reply that starts then may cross the limit,
 * as a lone reply always could, but several sent at once no longer all pass. A reply's reservation ends with its
 * streaming (finished, failed, stopped: its usage is recorded; or its server went away: not written to within
 * `staleMs`, as ConcurrencyLimit counts).
 */
export interface TokenLimit {
  limit: number;
  /** The Shanghai day ("YYYY-MM-DD") whose recorded usage counts. */
  day: string;
  /** When the day ends (for the error). */
  resetAtMs: number;
  staleMs: number;
  /** What this reply reserves while it streams. */
  reserve: number;
}

/** Over the daily token limit: quota_tokens_exceeded, the error checkQuota gives (used counts what is reserved). */
export function tokensExceeded({ limit, resetAtMs }: TokenLimit, used: number): AppError {
  return new AppError("quota_tokens_exceeded", { used, limit, resetAt: formatShanghai(resetAtMs), resetAtMs });
}

export interface TurnRows {
  /** The chat, when this call created it. */
  conversation?: Conversation;
  question?: StoredMessage;
  reply: StoredMessage;
}

/** A turn's rows as appendTurnMessages hands them to a dialect: a new chat, the question, the reply. */
export interface TurnRowsInput {
  newChat?: (NewConversation & { id: string; now: number }) | undefined;
  question?: NewMessage | undefined;
  reply: NewMessage;
}

/** The message writes each dialect does its own way (behind appendTurnMessages, appendUserMessage, …). */
export interface MessageWrites {
  /**
   * Reads a message with this id (the same message when it is the owner's in this chat, else not_found), else
   * takes the chat's next seq (owner check: not_found) and inserts it, atomically.
   */
  insert(db: Db, userId: string, conversationId: string, input: NewMessage, now: number): Promise<StoredMessage>;
  /** appendTurnMessages: the turn's rows; null (nothing stored) when `newChat` exists already. */
  turnRows(
    db: Db,
    userId: string,
    conversationId: string,
    rows: TurnRowsInput,
    now: number,
    limit: ConcurrencyLimit | undefined,
    tokens: TokenLimit | undefined,
  ): Promise<TurnRows | null>;
  /** updateStreamingMessage's write: false when the reply is gone, not the user's, or final. */
  updateStreaming(
    db: Db,
    userId: string,
    id: string,
    row: { parts: string; text: string; now: number },
  ): Promise<boolean>;
  /** finalizeMessage's write: false when the reply is gone or not the user's. */
  finalize(
    db: Db,
    userId: string,
    id: string,
    row: { parts: string; text: string; status: Exclude<MessageStatus, "streaming">; metadata: string; now: number },
  ): Promise<boolean>;
}

/** Rolls a turn's transaction back: the chat it was to create exists already. */
export const CHAT_EXISTS = new Error("chat exists");

/** An insert that lost a race for the same id (the same message sent twice at the same moment) reads the winner's row. */
export async function insertOrReadWinner(
  db: Db,
  insert: MessageWrites["insert"],
  userId: string,
  conversationId: string,
  input: NewMessage,
  now: number,
): Promise<StoredMessage> {
  try {
    return await insert(db, userId, conversationId, input, now);
  } catch (err) {
    const existing = err instanceof AppError ? undefined : await getMessage(db, userId, input.id);
    if (existing?.conversationId === conversationId) return existing;
    throw err;
  }
}

/**
 * Over a limit: quota_tokens_exceeded or quota_concurrency_exceeded, the errors checkQuota gives. Both counts in one
 * statement (one round trip), inside the transaction that then stores or reopens the reply.
 */
export async function assertWithinLimits(
  db: Db,
  userId: string,
  conversationId: string,
  limit: ConcurrencyLimit | undefined,
  tokens: TokenLimit | undefined,
  now: number,
): Promise<void> {
  if (!limit && !tokens) return;
  const streaming = limit
    ? sql<number>`(SELECT count(*) FROM messages WHERE user_id = ${userId} AND status = 'streaming'
        AND updated_at >= ${now - limit.staleMs} AND conversation_id <> ${conversationId})`
    : sql<number>`0`;
  const held = tokens
    ? sql<number>`(SELECT coalesce(sum(total_tokens), 0) FROM usage_records WHERE user_id = ${userId}
          AND day = ${tokens.day})
        + (SELECT coalesce(sum(reserved_tokens), 0) FROM messages WHERE user_id = ${userId} AND status = 'streaming'
          AND updated_at >= ${now - tokens.staleMs})`
    : sql<number>`0`;
  const { rows } = await sql<{ streaming: number | string; held: number | string }>`
    SELECT ${streaming} AS streaming, ${held} AS held`.execute(db.kysely);
  const counts = rows[0];
  if (tokens && Number(counts?.held ?? 0) >= tokens.limit) throw tokensExceeded(tokens, Number(counts?.held ?? 0));
  if (limit && Number(counts?.streaming ?? 0) >= limit.limit) {
    throw new AppError("quota_concurrency_exceeded", { limit: limit.limit });
  }
}

/** updateStreamingMessage through Kysely (PostgreSQL; SQLite while a transaction is open). */
export async function updateStreamingRow(
  db: Db,
  userId: string,
  id: string,
  { parts, text, now }: { parts: string; text: string; now: number },
): Promise<boolean> {
  const result = await db.kysely
    .updateTable("messages")
    .set({ parts, text, status: "streaming", updated_at: now })
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .where("status", "in", ["streaming", "interrupted"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** finalizeMessage through Kysely (PostgreSQL; SQLite while a transaction is open). */
export async function finalizeRow(
  db: Db,
  userId: string,
  id: string,
  row: { parts: string; text: string; status: Exclude<MessageStatus, "streaming">; metadata: string; now: number },
): Promise<boolean> {
  const result = await db.kysely
    .updateTable("messages")
    .set({ parts: row.parts, text: row.text, status: row.status, metadata: row.metadata, updated_at: row.now })
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function getMessage(db: Db, userId: string, id: string): Promise<StoredMessage | undefined> {
  const row = await db.kysely
    .selectFrom("messages")
    .selectAll()
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row && toStored(row);
}

/** Replies of the user being written right now (written to since `freshSince`), across instances. */
export async function countStreamingReplies(
  db: Db,
  userId: string,
  options: { freshSince: number; ignoreConversationId?: string },
): Promise<number> {
  let query = db.kysely
    .selectFrom("messages")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("user_id", "=", userId)
    .where("status", "=", "streaming")
    .where("updated_at", ">=", options.freshSince);
  if (options.ignoreConversationId) query = query.where("conversation_id", "<>", options.ignoreConversationId);
  const row = await query.executeTakeFirst();
  return Number(row?.n ?? 0);
}
