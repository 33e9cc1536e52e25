import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from "kysely";
import pg from "pg";
import type { DatabaseTarget } from "@/lib/env";
import type { Database } from "./schema";

// Opens the one database: SQLite through better-sqlite3 by default, PostgreSQL through a pg Pool
// when DATABASE_URL says so. Everything above this file speaks Kysely and never asks which.

export type DbDialect = "sqlite" | "postgres";

export interface Db {
  kysely: Kysely<Database>;
  dialect: DbDialect;
  /**
   * SQLite: the connection Kysely runs on, for the few hot writes done synchronously in one call (use it only
   * inside `kysely.connection().execute(…)`, which holds Kysely's lock on it). Absent on PostgreSQL.
   */
  sqlite?: SQLite.Database;
  /** Closes the pool or file. */
  close(): Promise<void>;
}

const INT8_OID = 20;

// Epoch milliseconds and counts fit a double; pg would hand int8 back as strings.
const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID && format !== "binary") return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

/**
 * PostgreSQL connections per server process. A query holds its connection until the event loop has read the answer,
 * which under 200 streams takes a loop turn of 10–50 ms, not the ~1 ms the statement needs: 10 connections then
 * queued a question's setup queries behind the replies' once-a-second writes (time to first token p50 1.5 s at load
 * ~18 on 2 CPUs; 0.86 s with 30, bench/load). PostgreSQL's default max_connections (100) leaves room for 3 instances.
 */
export const PG_POOL_MAX = 30;

export function openDatabase(target: DatabaseTarget, options: { poolMax?: number } = {}): Db {
  if (target.kind === "postgres") {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: options.poolMax ?? PG_POOL_MAX,
      connectionTimeoutMillis: 10_000,
      application_name: "glm-chat",
      types: pgTypes,
    });
    // An idle connection dropped by the server (restart, failover) must not crash the process.
    pool.on("error", (err) => console.error("[db] idle PostgreSQL connection failed:", err.message));
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { kysely, dialect: "postgres", close: () => kysely.destroy() };
  }
  if (target.path !== ":memory:") mkdirSync(path.dirname(target.path), { recursive: true });
  const sqlite = new SQLite(target.path);
  // WAL lets readers run while a reply is being written; the busy timeout rides out a checkpoint.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { kysely, dialect: "sqlite", sqlite, close: () => kysely.destroy() };
}

/** How many distinct SQL texts keep their prepared statement per connection (the app has a few dozen hot ones). */
export const STATEMENT_CACHE_SIZE = 500;

/** Each SQLite connection's prepared statements by SQL text: the one cache for Kysely's queries and the hot writes. */
const statementCaches = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

/**
 * The connection's prepared statement for this SQL text, prepared once (values are bound per run); past
 * STATEMENT_CACHE_SIZE texts the least recently used one is dropped. Preparing costs more than running the small
 * statements of a reply. A statement is shared by everyone who runs the same SQL: that is safe because every user
 * runs it to the end in one synchronous call (Kysely's `all`/`run` — `iterate` only for .stream(), which this app
 * does not use — and `get`/`run` in lib/db/queries/sqlite-now.ts), so it is never busy when the next one needs it.
 */
export function cachedStatement(sqlite: SQLite.Database, sql: string): SQLite.Statement {
  let cache = statementCaches.get(sqlite);
  if (!cache) statementCaches.set(sqlite, (cache = new Map()));
  let statement = cache.get(sql);
  if (statement) {
    // Most recently used last: the Map's first key is the one to drop.
    cache.delete(sql);
  } else {
    statement = sqlite.prepare(sql);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(sql, statement);
  return statement;
}

/** Kysely prepares every query anew: its SQLite driver gets the connection's cached statements instead. */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  return {
    close: () => sqlite.close(),
    prepare: (sql: string) => cachedStatement(sqlite, sql),
  };
}
