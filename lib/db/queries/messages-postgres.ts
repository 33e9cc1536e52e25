import "server-only";
import { sql, type Kysely, type Selectable } from "kysely";
import { AppError } from "@/lib/errors";
import type { Db } from "../client";
import type { Database, MessagesTable } from "../schema";
import { createConversation } from "./conversations";
import {
  assertWithinLimits,
  CHAT_EXISTS,
  finalizeRow,
  insertOrReadWinner,
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
} from "./message-rows";

// PostgreSQL's message writes: one statement per row (each round trip waits for the server's event loop), and a
// transaction under the user's advisory lock when a turn is stored under a concurrency limit.

export const postgresMessageWrites: MessageWrites = {
  insert: insertMessageInOneStatement,

  async turnRows(db, userId, conversationId, rows, now, limit, tokens) {
    if (limit || tokens) return turnRowsWithinLimit(db, userId, conversationId, rows, now, limit, tokens);
    const conversation = rows.newChat && (await createConversation(db, userId, rows.newChat));
    if (rows.newChat && !conversation) return null;
    const insert = insertMessageInOneStatement;
    const stored = rows.question && (await insertOrReadWinner(db, insert, userId, conversationId, rows.question, now));
    return {
      ...(conversation ? { conversation } : {}),
      ...(stored ? { question: stored } : {}),
      reply: await insertOrReadWinner(db, insert, userId, conversationId, rows.reply, now),
    };
  },

  updateStreaming: updateStreamingRow,
  finalize: finalizeRow,
};

/** Any int4 shared by every instance: the class of the per-user advisory locks taken while a turn is stored. */
const TURN_LOCK_CLASS = 1_903_521_652;

/** Takes the user's advisory lock until the transaction ends: one reply at a time starts for this user. */
export async function lockUsersReplies(trx: Kysely<Database>, userId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${TURN_LOCK_CLASS}, hashtext(${userId}))`.execute(trx);
}

/**
 * PostgreSQL with a concurrency or daily token limit: the turn's rows in one transaction that first takes the user's
 * advisory lock, so the counts it reads next (one statement, a new snapshot) already hold every reply stored before
 * it, and its reservation, on every instance. The lock lasts until COMMIT; other users are not held up (a hash
 * collision only makes two users wait for each other for a moment).
 */
async function turnRowsWithinLimit(
  db: Db,
  userId: string,
  conversationId: string,
  rows: TurnRowsInput,
  now: number,
  limit: ConcurrencyLimit | undefined,
  tokens: TokenLimit | undefined,
): Promise<TurnRows | null> {
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      const inTrx: Db = { ...db, kysely: trx };
      await lockUsersReplies(trx, userId);
      await assertWithinLimits(inTrx, userId, conversationId, limit, tokens, now);
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
      INSERT INTO messages (id, conversation_id, user_id, seq, role, parts, text, status, metadata, created_at, updated_at,
        reserved_tokens)
      SELECT CAST(${input.id} AS text), CAST(${conversationId} AS text), CAST(${userId} AS text), message_count,
        CAST(${input.role} AS text), CAST(${JSON.stringify(input.parts)} AS text), CAST(${partsText(input.parts)} AS text),
        CAST(${input.status} AS text), CAST(${metadata} AS text), CAST(${now} AS bigint), CAST(${now} AS bigint),
        CAST(${input.reservedTokens ?? 0} AS integer)
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
