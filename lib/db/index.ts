import "server-only";
import { runAuthMigrations } from "@/lib/auth/migrations";
import { serverEnv, type ServerEnv } from "@/lib/env";
import { openDatabase, type Db } from "./client";
import { migrateDatabase } from "./migrate";
import { recoverInterrupted } from "./queries/messages";
import { REPLY_STALE_MS } from "./reply-writer";

// The process's one database handle: opened, migrated (better-auth's tables, then the app's) and
// swept for replies a previous run left streaming, once, on first use.

export type { Db, DbDialect } from "./client";
export { REPLY_HEARTBEAT_MS, REPLY_STALE_MS } from "./reply-writer";

/** Opens and migrates a database; what ensureDatabase does, without the singleton (tests, scripts). */
export async function prepareDatabase(
  env: Pick<ServerEnv, "database" | "BETTER_AUTH_URL" | "AUTH_SIGN_IN_PER_MINUTE" | "oidc">,
): Promise<Db> {
  const db = openDatabase(env.database);
  try {
    await migrateDatabase(db, { before: () => runAuthMigrations(db, env) });
    // One SQLite file has one server; several PostgreSQL instances spare each other's live replies.
    await recoverInterrupted(db, { staleMs: db.dialect === "sqlite" ? 0 : REPLY_STALE_MS });
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  return db;
}

const globalKey = Symbol.for("glm-chat.database");
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<Db> };

/** The database, ready to use. Idempotent; survives dev-mode module reloads. */
export function ensureDatabase(): Promise<Db> {
  const g = globalThis as GlobalWithDb;
  g[globalKey] ??= prepareDatabase(serverEnv()).then(
    (db) => {
      if (db.dialect === "postgres") startStaleReplySweep(db);
      return db;
    },
    (err: unknown) => {
      // A failed start (database down) is retried by the next caller.
      g[globalKey] = undefined;
      throw err;
    },
  );
  return g[globalKey];
}

function startStaleReplySweep(db: Db): void {
  const timer = setInterval(() => {
    recoverInterrupted(db, { staleMs: REPLY_STALE_MS }).catch((err) => console.error("[db] reply sweep failed", err));
  }, REPLY_STALE_MS);
  timer.unref?.();
}
