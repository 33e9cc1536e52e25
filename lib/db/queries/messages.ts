import "server-only";
import type SQLite from "better-sqlite3";
import { sql, type Kysely, type Selectable } from "kysely";
import type { ChatMessageMetadata, ChatUIMessage } from "@/lib/chat/types";
import { AppError } from "@/lib/errors";
import type { Db } from "../client";
import { createConversation, toConversation, type Conversation, type NewConversation } from "./conversations";
import type { ConversationsTable, Database, MessageRole, MessageStatus, MessagesTable } from "../schema";
import { parseJson } from "./json";
import { prepared, sqliteNow } from "./sqlite-now";

// Messages, always through their owner. A reply is stored while it streams (inserted as
// 'streaming', its text rewritten as it grows, finalized with status, usage and finish reason), so
// a crash or restart loses at most the last second of it.

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

function toStored(row: Selectable<MessagesTable>): StoredMessage {
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

/** The message as useChat holds it. */
export function toUIMessage(message: StoredMessage): ChatUIMessage {
  return {
    id: message.id,
    role: message.role,
    parts: message.parts,
    metadata: { createdAt: message.createdAt, ...message.metadata },
  };
}

/** Plain text of the text parts: what search and export read. */
export function partsText(parts: readonly MessagePart[]): string {
  return parts
    .filter((p): p is Extract<MessagePart, { type: "text" }> => p.type === "text")
    .map((p) => p.text)
    .join("\n\n");
}

interface NewMessage {
  id: string;
  role: MessageRole;
  parts: MessagePart[];
  status: MessageStatus;
  metadata?: ChatMessageMetadata;
  now?: number;
}

async function appendMessage(
  db: Db,
  userId: string,
  conversationId: string,
  input: NewMessage,
): Promise<StoredMessage> {
  const now = input.now ?? Date.now();
  try {
    return await insertMessage(db, userId, conversationId, input, now);
  } catch (err) {
    // The same message sent twice at the same moment: the loser reads the winner's row.
    const existing = err instanceof AppError ? undefined : await getMessage(db, userId, input.id);
    if (existing?.conversationId === conversationId) return existing;
    throw err;
  }
}

async function insertMessage(
  db: Db,
  userId: string,
  conversationId: string,
  input: NewMessage,
  now: number,
): Promise<StoredMessage> {
  if (db.dialect === "postgres") return insertMessageInOneStatement(db, userId, conversationId, input, now);
  return db.kysely.transaction().execute((trx) => insertMessageIn(trx, userId, conversationId, input, now));
}

/** SQLite: read a message with this id, else take the next seq (owner check) and insert; inside a transaction. */
async function insertMessageIn(
  trx: Kysely<Database>,
  userId: string,
  conversationId: string,
  input: NewMessage,
  now: number,
): Promise<StoredMessage> {
  const existing = await trx.selectFrom("messages").selectAll().where("id", "=", input.id).executeTakeFirst();
  if (existing) {
    // A resent message (retry, reconnect) is the same message; someone else's id is not found.
    if (existing.user_id === userId && existing.conversation_id === conversationId) return toStored(existing);
    throw new AppError("not_found");
  }
  const seq = await allocateSeq(trx, userId, conversationId, now);
  const row = await trx
    .insertInto("messages")
    .values({
      id: input.id,
      conversation_id: conversationId,
      user_id: userId,
      seq,
      role: input.role,
      parts: JSON.stringify(input.parts),
      text: partsText(input.parts),
      status: input.status,
      metadata: input.metadata ? JSON.stringify(input.metadata) : null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toStored(row);
}

/**
 * A turn's rows, in this order: a new chat (when `chat` is given), the question (left out when it is stored
 * already) and its reply, inserted as 'streaming' before the gateway is called. SQLite: all in one
 * transaction, so one commit instead of three (the commit is most of what storing a row costs there, and it
 * runs on the server's one thread); PostgreSQL: one statement each. Nothing is stored when the question cannot
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
  };
  const newChat = input.chat && { ...input.chat, id: conversationId, now };
  const limit = input.concurrency;
  if (db.dialect === "postgres" && limit) {
    return turnRowsWithinLimit(db, userId, conversationId, { newChat, question, reply }, now, limit);
  }
  if (db.dialect === "postgres") {
    const conversation = newChat && (await createConversation(db, userId, newChat));
    if (newChat && !conversation) return null;
    const stored = question && (await appendMessage(db, userId, conversationId, { ...question, now }));
    return {
      ...(conversation ? { conversation } : {}),
      ...(stored ? { question: stored } : {}),
      reply: await appendMessage(db, userId, conversationId, { ...reply, now }),
    };
  }
  const { sqlite } = db;
  if (sqlite) {
    // Kysely's lock on the connection is held while the rows are written in one synchronous transaction.
    return db.kysely
      .connection()
      .execute(async () => turnRowsNow(sqlite, userId, conversationId, { newChat, question, reply }, now, limit));
  }
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      if (limit) await assertWithinLimit({ ...db, kysely: trx }, userId, conversationId, limit, now);
      const conversation = newChat && (await createConversation({ ...db, kysely: trx }, userId, newChat));
      if (newChat && !conversation) throw CHAT_EXISTS;
      const stored = question && (await insertMessageIn(trx, userId, conversationId, question, now));
      return {
        ...(conversation ? { conversation } : {}),
        ...(stored ? { question: stored } : {}),
        reply: await insertMessageIn(trx, userId, conversationId, reply, now),
      };
    });
  } catch (err) {
    if (err === CHAT_EXISTS) return null;
    throw err;
  }
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

/** Over the limit: quota_concurrency_exceeded, the error checkQuota gives. */
async function assertWithinLimit(
  db: Db,
  userId: string,
  conversationId: string,
  { limit, staleMs }: ConcurrencyLimit,
  now: number,
): Promise<void> {
  const streaming = await countStreamingReplies(db, userId, {
    freshSince: now - staleMs,
    ignoreConversationId: conversationId,
  });
  if (streaming >= limit) throw new AppError("quota_concurrency_exceeded", { limit });
}

/** Any int4 shared by every instance: the class of the per-user advisory locks taken while a turn is stored. */
const TURN_LOCK_CLASS = 1_903_521_652;

/**
 * PostgreSQL with a concurrency limit: the turn's rows in one transaction that first takes the user's advisory lock,
 * so the count it reads next (a new snapshot per statement) already holds every reply stored before it, on every
 * instance. The lock lasts until COMMIT; other users are not held up (a hash collision only makes two users wait
 * for each other for a moment).
 */
async function turnRowsWithinLimit(
  db: Db,
  userId: string,
  conversationId: string,
  rows: {
    newChat?: (NewConversation & { id: string; now: number }) | undefined;
    question?: NewMessage | undefined;
    reply: NewMessage;
  },
  now: number,
  limit: ConcurrencyLimit,
): Promise<TurnRows | null> {
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      const inTrx: Db = { ...db, kysely: trx };
      await sql`SELECT pg_advisory_xact_lock(${TURN_LOCK_CLASS}, hashtext(${userId}))`.execute(trx);
      await assertWithinLimit(inTrx, userId, conversationId, limit, now);
      const conversation = rows.newChat && (await createConversation(inTrx, userId, rows.newChat));
      if (rows.newChat && !conversation) throw CHAT_EXISTS;
      // The same user's requests wait for each other here, so a resent question finds the first one's row.
      const question =
        rows.question && (await insertMessageInOneStatement(inTrx, userId, conversationId, rows.question, now));
      return {
        ...(conversation ? { conversation } : {}),
        ...(question ? { question } : {}),
        reply: await insertMessageInOneStatement(inTrx, userId, conversationId, rows.reply, now),
      };
    });
  } catch (err) {
    if (err === CHAT_EXISTS) return null;
    throw err;
  }
}

export interface TurnRows {
  /** The chat, when this call created it. */
  conversation?: Conversation;
  question?: StoredMessage;
  reply: StoredMessage;
}

/**
 * SQLite: the turn's rows in one synchronous transaction on the connection itself, as prepared statements —
 * what the Kysely transaction does, without a dozen promise round trips per row on the server's one thread
 * (the setup of every new stream waits behind the setups before it; bench/proxy/setup-cost.ts).
 */
function turnRowsNow(
  sqlite: SQLite.Database,
  userId: string,
  conversationId: string,
  rows: {
    newChat?: (NewConversation & { id: string; now: number }) | undefined;
    question?: NewMessage;
    reply: NewMessage;
  },
  now: number,
  limit?: ConcurrencyLimit,
): TurnRows | null {
  const write = sqlite.transaction((): TurnRows | null => {
    if (limit) {
      const { n } = prepared(sqlite, SQL.countStreaming).get(userId, now - limit.staleMs, conversationId) as {
        n: number;
      };
      if (n >= limit.limit) throw new AppError("quota_concurrency_exceeded", { limit: limit.limit });
    }
    let conversation: Conversation | undefined;
    if (rows.newChat) {
      const chat = rows.newChat;
      const created = prepared(sqlite, SQL.createChat).get(
        chat.id,
        userId,
        chat.title ?? "",
        chat.titleSource ?? (chat.title ? "user" : "auto"),
        chat.model,
        JSON.stringify(chat.settings ?? {}),
        now,
        now,
      ) as Selectable<ConversationsTable> | undefined;
      if (!created) return null;
      conversation = toConversation(created);
    }
    const question = rows.question && insertMessageNow(sqlite, userId, conversationId, rows.question, now);
    return {
      ...(conversation ? { conversation } : {}),
      ...(question ? { question } : {}),
      reply: insertMessageNow(sqlite, userId, conversationId, rows.reply, now),
    };
  });
  // BEGIN IMMEDIATE: the write lock is taken before the count is read, so another connection (another thread or
  // process on the same file) cannot store a reply between the count and this turn's rows.
  return write.immediate();
}

/** insertMessageIn, synchronously (inside turnRowsNow's transaction). */
function insertMessageNow(
  sqlite: SQLite.Database,
  userId: string,
  conversationId: string,
  input: NewMessage,
  now: number,
): StoredMessage {
  const existing = prepared(sqlite, SQL.messageById).get(input.id) as Selectable<MessagesTable> | undefined;
  if (existing) {
    // A resent message (retry, reconnect) is the same message; someone else's id is not found.
    if (existing.user_id === userId && existing.conversation_id === conversationId) return toStored(existing);
    throw new AppError("not_found");
  }
  const next = prepared(sqlite, SQL.nextSeq).get(now, conversationId, userId) as { message_count: number } | undefined;
  if (!next) throw new AppError("not_found");
  const row = prepared(sqlite, SQL.insertMessage).get(
    input.id,
    conversationId,
    userId,
    Number(next.message_count),
    input.role,
    JSON.stringify(input.parts),
    partsText(input.parts),
    input.status,
    input.metadata ? JSON.stringify(input.metadata) : null,
    now,
    now,
  ) as Selectable<MessagesTable>;
  return toStored(row);
}

/** The statements turnRowsNow runs (the same SQL Kysely builds for insertMessageIn and createConversation). */
const SQL = {
  createChat:
    'insert into "conversations" ("id", "user_id", "title", "title_source", "model", "settings", "message_count", ' +
    '"created_at", "updated_at", "deleted_at") values (?, ?, ?, ?, ?, ?, 0, ?, ?, null) ' +
    'on conflict ("id") do nothing returning *',
  messageById: 'select * from "messages" where "id" = ?',
  // countStreamingReplies with ignoreConversationId.
  countStreaming:
    'select count(*) as "n" from "messages" where "user_id" = ? and "status" = \'streaming\' and "updated_at" >= ? ' +
    'and "conversation_id" <> ?',
  nextSeq:
    'update "conversations" set "message_count" = "message_count" + 1, "updated_at" = ? ' +
    'where "id" = ? and "user_id" = ? and "deleted_at" is null returning "message_count"',
  insertMessage:
    'insert into "messages" ("id", "conversation_id", "user_id", "seq", "role", "parts", "text", "status", ' +
    '"metadata", "created_at", "updated_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning *',
  // updateStreamingMessage and finalizeMessage (the same SQL Kysely builds for them).
  updateStreaming:
    'update "messages" set "parts" = ?, "text" = ?, "status" = \'streaming\', "updated_at" = ? ' +
    'where "id" = ? and "user_id" = ? and "status" in (\'streaming\', \'interrupted\')',
  finalize:
    'update "messages" set "parts" = ?, "text" = ?, "status" = ?, "metadata" = ?, "updated_at" = ? ' +
    'where "id" = ? and "user_id" = ?',
};

/** Rolls the turn's transaction back: the chat it was to create exists already. */
const CHAT_EXISTS = new Error("chat exists");

/**
 * PostgreSQL: what the transaction above does — read a message with this id, else take the next seq (owner
 * check, row lock) and insert — as one statement, so one round trip instead of five (BEGIN, three statements,
 * COMMIT). Each round trip waits for the server's event loop to come round; under many streams those waits,
 * not the database, were most of a question's time to first token (bench/load). The statement is atomic as the
 * transaction was; two requests inserting the same id at once still meet at the unique index.
 */
async function insertMessageInOneStatement(
  db: Db,
  userId: string,
  conversationId: string,
  input: NewMessage,
  now: number,
): Promise<StoredMessage> {
  const metadata = input.metadata ? JSON.stringify(input.metadata) : null;
  const { rows } = await sql<Selectable<MessagesTable> & { inserted: boolean }>`
    WITH existing AS (
      SELECT * FROM messages WHERE id = ${input.id}
    ), next_seq AS (
      UPDATE conversations SET message_count = message_count + 1, updated_at = ${now}
      WHERE id = ${conversationId} AND user_id = ${userId} AND deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM existing)
      RETURNING message_count
    ), inserted AS (
      INSERT INTO messages (id, conversation_id, user_id, seq, role, parts, text, status, metadata, created_at, updated_at)
      SELECT CAST(${input.id} AS text), CAST(${conversationId} AS text), CAST(${userId} AS text), message_count,
        CAST(${input.role} AS text), CAST(${JSON.stringify(input.parts)} AS text), CAST(${partsText(input.parts)} AS text),
        CAST(${input.status} AS text), CAST(${metadata} AS text), CAST(${now} AS bigint), CAST(${now} AS bigint)
      FROM next_seq
      RETURNING *
    )
    SELECT *, true AS inserted FROM inserted
    UNION ALL
    SELECT *, false AS inserted FROM existing
  `.execute(db.kysely);
  const row = rows[0];
  // No row: the conversation is not this user's (or is deleted).
  if (!row) throw new AppError("not_found");
  // A resent message (retry, reconnect) is the same message; someone else's id is not found.
  if (!row.inserted && (row.user_id !== userId || row.conversation_id !== conversationId)) {
    throw new AppError("not_found");
  }
  return toStored(row);
}

/** The owner check and the next seq in one statement (a row lock on PostgreSQL). */
async function allocateSeq(trx: Kysely<Database>, userId: string, conversationId: string, now: number) {
  const row = await trx
    .updateTable("conversations")
    .set((eb) => ({ message_count: eb("message_count", "+", 1), updated_at: now }))
    .where("id", "=", conversationId)
    .where("user_id", "=", userId)
    .where("deleted_at", "is", null)
    .returning("message_count")
    .executeTakeFirst();
  if (!row) throw new AppError("not_found");
  return Number(row.message_count);
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
  const parts = JSON.stringify(input.parts);
  const text = partsText(input.parts);
  const now = input.now ?? Date.now();
  const sqlite = sqliteNow(db);
  if (sqlite) return prepared(sqlite, SQL.updateStreaming).run(parts, text, now, id, userId).changes > 0;
  const result = await db.kysely
    .updateTable("messages")
    .set({ parts, text, status: "streaming", updated_at: now })
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .where("status", "in", ["streaming", "interrupted"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * A finished reply being continued (cut at max output) streams again: it counts as in progress and
 * its row is rewritten as it grows. False when the reply is gone or not the user's.
 */
export async function reopenReply(db: Db, userId: string, id: string, now = Date.now()): Promise<boolean> {
  const result = await db.kysely
    .updateTable("messages")
    .set({ status: "streaming", updated_at: now })
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .where("role", "=", "assistant")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
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
  const parts = JSON.stringify(input.parts);
  const text = partsText(input.parts);
  const metadata = JSON.stringify(input.metadata);
  const now = input.now ?? Date.now();
  const sqlite = sqliteNow(db);
  if (sqlite)
    return prepared(sqlite, SQL.finalize).run(parts, text, input.status, metadata, now, id, userId).changes > 0;
  const result = await db.kysely
    .updateTable("messages")
    .set({ parts, text, status: input.status, metadata, updated_at: now })
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
