import "server-only";
import { sql, type Expression, type SqlBool } from "kysely";
import type { Db } from "../client";
import { likeContains } from "./json";

// Search across the user's chat titles and message text, by substring, so that Chinese works
// without a word segmenter. SQLite: the FTS5 trigram index for terms of 3+ characters, LIKE for
// 1–2 characters (common in Chinese: 数据, 猫). PostgreSQL: ILIKE, helped by a pg_trgm GIN index.

export interface SearchHit {
  conversationId: string;
  title: string;
  updatedAt: number;
  /** The newest matching message, or null when only the title matched. */
  messageId: string | null;
  /** Text around the first match (the title when only the title matched). */
  snippet: string;
}

const MAX_TERMS = 5;
const MESSAGE_SCAN_LIMIT = 500;
const SNIPPET_RADIUS = 40;

/** Whitespace-separated terms, all of which must appear. */
export function searchTerms(query: string): string[] {
  return query.trim().split(/\s+/).filter(Boolean).slice(0, MAX_TERMS);
}

const charLength = (s: string) => [...s].length;

function containsAll(db: Db, column: string, terms: string[]): Expression<SqlBool>[] {
  const op = db.dialect === "postgres" ? sql.raw("ILIKE") : sql.raw("LIKE");
  return terms.map((t) => sql<SqlBool>`${sql.ref(column)} ${op} ${likeContains(t)} ESCAPE '\\'`);
}

/** An FTS5 query matching every term as a literal substring. */
function ftsQuery(terms: string[]): string {
  return terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(" AND ");
}

export function snippetAround(text: string, terms: string[]): string {
  const lower = text.toLowerCase();
  let at = -1;
  for (const term of terms) {
    const i = lower.indexOf(term.toLowerCase());
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at < 0) return text.slice(0, SNIPPET_RADIUS * 2);
  const start = Math.max(0, at - SNIPPET_RADIUS);
  const end = Math.min(text.length, at + SNIPPET_RADIUS * 2);
  return `${start > 0 ? "…" : ""}${text.slice(start, end).replace(/\s+/g, " ")}${end < text.length ? "…" : ""}`;
}

/** Newest first, one hit per conversation, trash excluded. */
export async function searchConversations(
  db: Db,
  userId: string,
  query: string,
  options: { limit?: number } = {},
): Promise<SearchHit[]> {
  const terms = searchTerms(query);
  if (terms.length === 0) return [];
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 100);

  const titleRows = await db.kysely
    .selectFrom("conversations")
    .select(["id", "title", "updated_at"])
    .where("user_id", "=", userId)
    .where("deleted_at", "is", null)
    .where((eb) => eb.and(containsAll(db, "title", terms)))
    .orderBy("updated_at", "desc")
    .limit(limit)
    .execute();

  let messages = db.kysely
    .selectFrom("messages as m")
    .innerJoin("conversations as c", "c.id", "m.conversation_id")
    .select(["m.id", "m.conversation_id", "m.text", "m.created_at", "c.title", "c.updated_at"])
    .where("m.user_id", "=", userId)
    .where("c.user_id", "=", userId)
    .where("c.deleted_at", "is", null);
  const long = terms.filter((t) => charLength(t) >= 3);
  const short = db.dialect === "sqlite" ? terms.filter((t) => charLength(t) < 3) : terms;
  if (db.dialect === "sqlite" && long.length > 0) {
    messages = messages.where(
      "m.pk",
      "in",
      sql<number>`(SELECT rowid FROM messages_fts WHERE messages_fts MATCH ${ftsQuery(long)})`,
    );
  }
  if (short.length > 0) messages = messages.where((eb) => eb.and(containsAll(db, "m.text", short)));
  const messageRows = await messages.orderBy("m.created_at", "desc").limit(MESSAGE_SCAN_LIMIT).execute();

  const hits = new Map<string, SearchHit>();
  for (const row of messageRows) {
    if (hits.has(row.conversation_id)) continue;
    hits.set(row.conversation_id, {
      conversationId: row.conversation_id,
      title: row.title,
      updatedAt: Number(row.updated_at),
      messageId: row.id,
      snippet: snippetAround(row.text, terms),
    });
  }
  for (const row of titleRows) {
    if (hits.has(row.id)) continue;
    hits.set(row.id, {
      conversationId: row.id,
      title: row.title,
      updatedAt: Number(row.updated_at),
      messageId: null,
      snippet: row.title,
    });
  }
  return [...hits.values()].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, limit);
}
