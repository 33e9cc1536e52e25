import "server-only";
import { sql, type Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { DbDialect } from "./client";

// The app's tables, written once with Kysely's schema builder so that they run on SQLite and
// PostgreSQL alike. Only the search index differs: FTS5 trigram on SQLite, pg_trgm on PostgreSQL.
// Never edit a migration that has shipped; add the next one.

type Db = Kysely<unknown>;

function initial(dialect: DbDialect): Migration {
  const blob = dialect === "postgres" ? "bytea" : "blob";
  return {
    async up(db: Db) {
      await db.schema
        .createTable("conversations")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
        .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("title_source", "text", (c) => c.notNull().defaultTo("auto"))
        .addColumn("model", "text", (c) => c.notNull())
        .addColumn("settings", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("message_count", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addColumn("deleted_at", "bigint")
        .execute();
      await db.schema
        .createIndex("conversations_user_updated")
        .on("conversations")
        .columns(["user_id", "updated_at"])
        .execute();

      await db.schema
        .createTable("messages")
        .addColumn("pk", dialect === "postgres" ? "bigint" : "integer", (c) =>
          dialect === "postgres" ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
        )
        .addColumn("id", "text", (c) => c.notNull().unique())
        .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("parts", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("text", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("metadata", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("messages_conversation_seq", ["conversation_id", "seq"])
        .execute();
      await db.schema.createIndex("messages_user_status").on("messages").columns(["user_id", "status"]).execute();
      await db.schema.createIndex("messages_status_updated").on("messages").columns(["status", "updated_at"]).execute();

      await db.schema
        .createTable("images")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
        .addColumn("mime", "text", (c) => c.notNull())
        .addColumn("width", "integer", (c) => c.notNull())
        .addColumn("height", "integer", (c) => c.notNull())
        .addColumn("byte_size", "integer", (c) => c.notNull())
        .addColumn("bytes", blob, (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("images_user_sha256", ["user_id", "sha256"])
        .execute();

      // Usage outlives the conversation it came from (the quota still counts a purged chat).
      await db.schema
        .createTable("usage_records")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
        .addColumn("conversation_id", "text")
        .addColumn("message_id", "text", (c) => c.unique())
        .addColumn("model", "text", (c) => c.notNull())
        .addColumn("prompt_tokens", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("completion_tokens", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("cached_tokens", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("total_tokens", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("day", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("usage_records_user_day").on("usage_records").columns(["user_id", "day"]).execute();
      await db.schema.createIndex("usage_records_day").on("usage_records").column("day").execute();

      await db.schema
        .createTable("user_limits")
        .addColumn("user_id", "text", (c) => c.primaryKey().references("user.id").onDelete("cascade"))
        .addColumn("tokens_per_day", "bigint")
        .addColumn("max_concurrent", "integer")
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("gateway_status")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("rate_limit", "double precision")
        .addColumn("rate_remaining", "double precision")
        .addColumn("rate_reset_at", "bigint")
        .addColumn("key_credits", "double precision")
        .addColumn("org_credits", "double precision")
        .addColumn("model", "text")
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("app_settings")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
    },
  };
}

function search(dialect: DbDialect): Migration {
  return {
    async up(db: Db) {
      if (dialect === "sqlite") {
        // Trigram substrings work for Chinese without a word segmenter (queries of 3+ characters;
        // shorter ones use LIKE). Replies are indexed once they stop streaming.
        await sql`CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='pk', tokenize='trigram')`.execute(
          db,
        );
        await sql`CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.status <> 'streaming' BEGIN
            INSERT INTO messages_fts(rowid, text) VALUES (new.pk, new.text);
          END`.execute(db);
        await sql`CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.status <> 'streaming' BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.pk, old.text);
          END`.execute(db);
        // One trigger, so that the old entry always leaves before the new one arrives.
        await sql`CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, status ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) SELECT 'delete', old.pk, old.text WHERE old.status <> 'streaming';
            INSERT INTO messages_fts(rowid, text) SELECT new.pk, new.text WHERE new.status <> 'streaming';
          END`.execute(db);
        return;
      }
      const available = await sql`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`.execute(db);
      if (available.rows.length === 0) {
        console.warn("[db] pg_trgm is not available: search uses ILIKE without an index");
        return;
      }
      await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
      for (const [index, table, column] of [
        ["messages_text_trgm", "messages", "text"],
        ["conversations_title_trgm", "conversations", "title"],
      ] as const) {
        await db.schema
          .createIndex(index)
          .on(table)
          .using("gin")
          .expression(sql`${sql.ref(column)} gin_trgm_ops`)
          .execute();
      }
    },
  };
}

// The announcement studio: drafts per user, each with its versions (revisions never overwrite).
const announcements: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable("announcements")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("user.id").onDelete("cascade"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("form", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("version_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("announcements_user_updated")
      .on("announcements")
      .columns(["user_id", "updated_at"])
      .execute();
    await db.schema
      .createTable("announcement_versions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("announcement_id", "text", (c) => c.notNull().references("announcements.id").onDelete("cascade"))
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("instruction", "text")
      .addColumn("content", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("model", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("announcement_versions_seq", ["announcement_id", "seq"])
      .execute();
  },
};

// The daily token limit held by replies in progress: what each reserves while it streams (lib/quota).
const reservedTokens: Migration = {
  async up(db: Db) {
    await db.schema
      .alterTable("messages")
      .addColumn("reserved_tokens", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

export function appMigrations(dialect: DbDialect): Record<string, Migration> {
  return {
    "0001_initial": initial(dialect),
    "0002_search": search(dialect),
    "0003_announcements": announcements,
    "0004_reserved_tokens": reservedTokens,
  };
}
