import "server-only";
import type SQLite from "better-sqlite3";
import type { Kysely, Selectable } from "kysely";
import { AppError } from "@/lib/errors";
import type { ConversationsTable, Database, MessagesTable } from "../schema";
import { createConversation, toConversation, type Conversation } from "./conversations";
import {
  assertWithinLimits,
  CHAT_EXISTS,
  finalizeRow,
  partsText,
  toStored,
  updateStreamingRow,
  type ConcurrencyLimit,
  type MessageWrites,
  type NewMessage,
  type StoredMessage,
  type TokenLimit,
  type TurnRows,
  type TurnRowsInput,
  tokensExceeded,
} from "./message-rows";
import { prepared, sqliteNow } from "./sqlite-now";

// SQLite's message writes: a turn's rows in one synchronous transaction of prepared statements on the connection
// itself, the hot rewrites of a streaming reply likewise; Kysely transactions otherwise.

export const sqliteMessageWrites: MessageWrites = {
  insert: (db, userId, conversationId, input, now) =>
    db.kysely.transaction().execute((trx) => insertMessageIn(trx, userId, conversationId, input, now)),

  async turnRows(db, userId, conversationId, rows, now, limit, tokens) {
    const { sqlite } = db;
    if (sqlite) {
      // Kysely's lock on the connection is held while the rows are written in one synchronous transaction.
      return db.kysely
        .connection()
        .execute(async () => turnRowsNow(sqlite, userId, conversationId, rows, now, limit, tokens));
    }
    try {
      return await db.kysely.transaction().execute(async (trx) => {
        await assertWithinLimits({ ...db, kysely: trx }, userId, conversationId, limit, tokens, now);
        const conversation = rows.newChat && (await createConversation({ ...db, kysely: trx }, userId, rows.newChat));
        if (rows.newChat && !conversation) throw CHAT_EXISTS;
        const stored = rows.question && (await insertMessageIn(trx, userId, conversationId, rows.question, now));
        return {
          ...(conversation ? { conversation } : {}),
          ...(stored ? { question: stored } : {}),
          reply: await insertMessageIn(trx, userId, conversationId, rows.reply, now),
        };
      });
    } catch (err) {
      if (err === CHAT_EXISTS) return null;
      throw err;
    }
  },

  async updateStreaming(db, userId, id, row) {
    const sqlite = sqliteNow(db);
    if (!sqlite) return updateStreamingRow(db, userId, id, row);
    return prepared(sqlite, SQL.updateStreaming).run(row.parts, row.text, row.now, id, userId).changes > 0;
  },

  async finalize(db, userId, id, row) {
    const sqlite = sqliteNow(db);
    if (!sqlite) return finalizeRow(db, userId, id, row);
    return (
      prepared(sqlite, SQL.finalize).run(row.parts, row.text, row.status, row.metadata, row.now, id, userId).changes > 0
    );
  },
};

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
      reserved_tokens: input.reservedTokens ?? 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
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

/**
 * SQLite: the turn's rows in one synchronous transaction on the connection itself, as prepared statements —
 * what the Kysely transaction does, without a dozen promise round trips per row on the server's one thread
 * (the setup of every new stream waits behind the setups before it; bench/proxy/setup-cost.ts).
 */
function turnRowsNow(
  sqlite: SQLite.Database,
  userId: string,
  conversationId: string,
  rows: TurnRowsInput,
  now: number,
  limit?: ConcurrencyLimit,
  tokens?: TokenLimit,
): TurnRows | null {
  const write = sqlite.transaction((): TurnRows | null => {
    if (tokens) {
      const { n } = prepared(sqlite, SQL.tokensHeld).get(userId, tokens.day, userId, now - tokens.staleMs) as {
        n: number;
      };
      if (n >= tokens.limit) throw tokensExceeded(tokens, n);
    }
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
    input.reservedTokens ?? 0,
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
  // assertWithinLimits' token count: today's recorded usage and what the replies in progress reserve.
  tokensHeld:
    'select (select coalesce(sum("total_tokens"), 0) from "usage_records" where "user_id" = ? and "day" = ?) + ' +
    '(select coalesce(sum("reserved_tokens"), 0) from "messages" where "user_id" = ? and "status" = \'streaming\' ' +
    'and "updated_at" >= ?) as "n"',
  nextSeq:
    'update "conversations" set "message_count" = "message_count" + 1, "updated_at" = ? ' +
    'where "id" = ? and "user_id" = ? and "deleted_at" is null returning "message_count"',
  insertMessage:
    'insert into "messages" ("id", "conversation_id", "user_id", "seq", "role", "parts", "text", "status", ' +
    '"metadata", "created_at", "updated_at", "reserved_tokens") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning *',
  // updateStreamingMessage and finalizeMessage (the same SQL Kysely builds for them).
  updateStreaming:
    'update "messages" set "parts" = ?, "text" = ?, "status" = \'streaming\', "updated_at" = ? ' +
    'where "id" = ? and "user_id" = ? and "status" in (\'streaming\', \'interrupted\')',
  finalize:
    'update "messages" set "parts" = ?, "text" = ?, "status" = ?, "metadata" = ?, "updated_at" = ? ' +
    'where "id" = ? and "user_id" = ?',
};
