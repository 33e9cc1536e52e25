import "server-only";
import type SQLite from "better-sqlite3";
import { cachedStatement, type Db } from "../client";

// The hot writes of a streaming reply (its row rewritten about once a second, the final row, usage, the gateway
// snapshot) run on SQLite as cached prepared statements, synchronously, instead of through Kysely: a Kysely query
// compiles its SQL, prepares a statement and takes the connection's lock through a dozen promises, each one seen by
// every promise hook in the process (Next's AsyncLocalStorage). (An A/B of bench:proxy at 200 streams showed no
// measurable change in CPU per event: most of that time is SQLite running the statements themselves.)

/** A statement prepared once per connection and SQL text, from the connection's one cache (lib/db/client.ts). */
export const prepared = cachedStatement;

/**
 * SQLite's connection when one statement may run on it right now: no transaction is open on it. Kysely's only reason
 * to hold its lock between statements is an open transaction (its statements run synchronously on this one thread),
 * so a single statement run while none is open cannot land inside one. Undefined on PostgreSQL, and while a
 * transaction is open (then the caller goes through Kysely, which waits for it).
 */
export function sqliteNow(db: Db): SQLite.Database | undefined {
  const sqlite = db.sqlite;
  return sqlite && !sqlite.inTransaction ? sqlite : undefined;
}
