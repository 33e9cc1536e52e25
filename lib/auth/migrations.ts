import "server-only";
import { getMigrations } from "better-auth/db/migration";
import type { Db } from "@/lib/db/client";
import { authOptions, type AuthConfig } from "./options";

// better-auth's CLI does not run on Node 20, so its migrations run here, in-process: it compares
// its schema (with the admin plugin's fields and the rate-limit table) to the database and adds
// what is missing. The caller holds the startup lock (lib/db/migrate.ts).

/** Only the schema is read from the options; the secret is never used by a migration. */
const SCHEMA_ONLY_SECRET = "schema-only-secret-never-signs-anything";

export async function runAuthMigrations(db: Db, config: AuthConfig): Promise<void> {
  const { runMigrations } = await getMigrations(authOptions({ db, config, secret: SCHEMA_ONLY_SECRET }));
  await runMigrations();
}
