import "server-only";
import { sql } from "kysely";
import { Migrator } from "kysely/migration";
import type { Db } from "./client";
import { appMigrations } from "./migrations";

// Brings the schema up to date. On PostgreSQL a session advisory lock serialises instances that
// start together: better-auth's migrations take no lock of their own (they diff and then CREATE),
// so without it two instances could both try to create the same table. SQLite is one process.

/** An arbitrary constant shared by every instance of this app. */
const STARTUP_LOCK_ID = 472_101_907;

export async function withStartupLock<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  if (db.dialect !== "postgres") return fn();
  // The lock lives on one reserved connection; the work itself runs on the rest of the pool.
  return db.kysely.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${STARTUP_LOCK_ID})`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`SELECT pg_advisory_unlock(${STARTUP_LOCK_ID})`.execute(conn);
    }
  });
}

export interface MigrateOptions {
  /** Runs first, under the same lock: better-auth's tables, which the app's tables reference. */
  before?: () => Promise<void>;
}

export async function migrateDatabase(db: Db, options: MigrateOptions = {}): Promise<string[]> {
  return withStartupLock(db, async () => {
    await options.before?.();
    const migrator = new Migrator({
      db: db.kysely,
      provider: { getMigrations: async () => appMigrations(db.dialect) },
      migrationTableName: "app_migrations",
      migrationLockTableName: "app_migrations_lock",
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
      throw new Error(`[db] migration ${failed} failed`, { cause: error });
    }
    return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  });
}
