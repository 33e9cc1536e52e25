import "server-only";
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { ChatSettings } from "@/lib/chat/types";
import { AppError } from "@/lib/errors";
import type { Db } from "../client";
import type { ConversationsTable, TitleSource } from "../schema";
import { parseJson } from "./json";

// Conversations, always through their owner: another user's id reads as not found.

export interface Conversation {
  id: string;
  userId: string;
  title: string;
  titleSource: TitleSource;
  model: string;
  settings: ChatSettings;
  messageCount: number;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export function toConversation(row: Selectable<ConversationsTable>): Conversation {
  return {
    id: row.id,
    userId: row.user_id,
    title: row.title,
    titleSource: row.title_source,
    model: row.model,
    settings: parseJson<ChatSettings>(row.settings, {}),
    messageCount: Number(row.message_count),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
  };
}

export interface NewConversation {
  /** The chat id the browser generated; a fresh UUID when absent. */
  id?: string;
  title?: string;
  titleSource?: TitleSource;
  model: string;
  settings?: ChatSettings;
  now?: number;
}

/**
 * The user's conversation with this id, created when it does not exist yet (a new chat's first
 * message). An id that belongs to someone else answers not_found and changes nothing.
 */
export async function ensureConversation(db: Db, userId: string, input: NewConversation): Promise<Conversation> {
  const id = input.id ?? randomUUID();
  const created = await createConversation(db, userId, { ...input, id });
  // Created now: no second read. Otherwise it existed already (ours, or someone else's: not found).
  if (created) return created;
  const conversation = await getConversation(db, userId, id, { includeDeleted: true });
  if (!conversation) throw new AppError("not_found");
  return conversation;
}

/** Creates the conversation; undefined (nothing changed) when one with this id exists, whoever's it is. */
export async function createConversation(
  db: Db,
  userId: string,
  input: NewConversation & { id: string },
): Promise<Conversation | undefined> {
  const now = input.now ?? Date.now();
  const id = input.id;
  const created = await db.kysely
    .insertInto("conversations")
    .values({
      id,
      user_id: userId,
      title: input.title ?? "",
      title_source: input.titleSource ?? (input.title ? "user" : "auto"),
      model: input.model,
      settings: JSON.stringify(input.settings ?? {}),
      message_count: 0,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .returningAll()
    .executeTakeFirst();
  return created && toConversation(created);
}

export async function getConversation(
  db: Db,
  userId: string,
  id: string,
  options: { includeDeleted?: boolean } = {},
): Promise<Conversation | undefined> {
  let query = db.kysely.selectFrom("conversations").selectAll().where("id", "=", id).where("user_id", "=", userId);
  if (!options.includeDeleted) query = query.where("deleted_at", "is", null);
  const row = await query.executeTakeFirst();
  return row && toConversation(row);
}

export interface ConversationPage {
  items: Conversation[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

function encodeCursor(c: Conversation): string {
  return Buffer.from(JSON.stringify([c.updatedAt, c.id])).toString("base64url");
}

function decodeCursor(cursor: string): [number, string] | undefined {
  const value = parseJson<unknown>(Buffer.from(cursor, "base64url").toString("utf8"), null);
  return Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string"
    ? [value[0], value[1]]
    : undefined;
}

/** Newest first. `trash: true` lists the deleted ones instead (for undo and the trash view). */
export async function listConversations(
  db: Db,
  userId: string,
  options: { limit?: number; cursor?: string | null; trash?: boolean } = {},
): Promise<ConversationPage> {
  const limit = Math.min(Math.max(options.limit ?? 30, 1), 200);
  let query = db.kysely
    .selectFrom("conversations")
    .selectAll()
    .where("user_id", "=", userId)
    .where("deleted_at", options.trash ? "is not" : "is", null);
  const after = options.cursor ? decodeCursor(options.cursor) : undefined;
  if (options.cursor && !after) throw new AppError("invalid_body", { detail: "cursor: invalid" });
  if (after) {
    const [updatedAt, id] = after;
    query = query.where((eb) =>
      eb.or([eb("updated_at", "<", updatedAt), eb.and([eb("updated_at", "=", updatedAt), eb("id", "<", id)])]),
    );
  }
  const rows = await query
    .orderBy("updated_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map(toConversation);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

async function updateOwned(
  db: Db,
  userId: string,
  id: string,
  values: Partial<Selectable<ConversationsTable>>,
  where: { deleted?: boolean; titleSource?: TitleSource } = { deleted: false },
): Promise<Conversation> {
  let query = db.kysely.updateTable("conversations").set(values).where("id", "=", id).where("user_id", "=", userId);
  if (where.deleted !== undefined) query = query.where("deleted_at", where.deleted ? "is not" : "is", null);
  if (where.titleSource) query = query.where("title_source", "=", where.titleSource);
  const row = await query.returningAll().executeTakeFirst();
  if (!row) throw new AppError("not_found");
  return toConversation(row);
}

/** A title the user chose: later automatic titles no longer replace it. */
export function renameConversation(
  db: Db,
  userId: string,
  id: string,
  title: string,
  now = Date.now(),
): Promise<Conversation> {
  return updateOwned(db, userId, id, { title: title.trim().slice(0, 200), title_source: "user", updated_at: now });
}

/**
 * A generated title; ignored (returns undefined) once the user has renamed the chat or when it
 * is gone. Does not move the chat up the list.
 */
export async function setAutoTitle(
  db: Db,
  userId: string,
  id: string,
  title: string,
): Promise<Conversation | undefined> {
  try {
    return await updateOwned(db, userId, id, { title: title.trim().slice(0, 200) }, { titleSource: "auto" });
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return undefined;
    throw err;
  }
}

export function updateConversationSettings(
  db: Db,
  userId: string,
  id: string,
  change: { model?: string; settings?: ChatSettings },
  now = Date.now(),
): Promise<Conversation> {
  return updateOwned(db, userId, id, {
    ...(change.model !== undefined ? { model: change.model } : {}),
    ...(change.settings !== undefined ? { settings: JSON.stringify(change.settings) } : {}),
    updated_at: now,
  });
}

/** Moves the chat to the trash; restoreConversation undoes it. */
export function softDeleteConversation(db: Db, userId: string, id: string, now = Date.now()): Promise<Conversation> {
  return updateOwned(db, userId, id, { deleted_at: now }, { deleted: false });
}

export function restoreConversation(db: Db, userId: string, id: string): Promise<Conversation> {
  return updateOwned(db, userId, id, { deleted_at: null }, { deleted: true });
}

/** Deletes the chat and its messages for good (usage records stay for the quota). */
export async function purgeConversation(db: Db, userId: string, id: string): Promise<void> {
  const result = await db.kysely
    .deleteFrom("conversations")
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new AppError("not_found");
}

/** Housekeeping for every user: empties trash older than `before` (epoch ms). Returns how many. */
export async function purgeTrashOlderThan(db: Db, before: number): Promise<number> {
  const result = await db.kysely
    .deleteFrom("conversations")
    .where("deleted_at", "is not", null)
    .where("deleted_at", "<", before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
