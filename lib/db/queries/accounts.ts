import "server-only";
import { randomBytes } from "node:crypto";
import type { Db } from "../client";

// Account bookkeeping outside better-auth's own queries: the generated auth secret, the first-admin
// claim, and reads of better-auth's user table that the app needs.

const SECRET_KEY = "auth_secret";
const FIRST_ADMIN_KEY = "first_admin_claim";

/**
 * The auth secret for installs that do not set BETTER_AUTH_SECRET: generated once and kept in the
 * database, so that restarts and every instance sign cookies alike. Racing instances agree on the
 * first one written.
 */
export async function storedAuthSecret(db: Db, now = Date.now()): Promise<string> {
  await db.kysely
    .insertInto("app_settings")
    .values({ key: SECRET_KEY, value: randomBytes(32).toString("base64url"), updated_at: now })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const row = await db.kysely
    .selectFrom("app_settings")
    .select("value")
    .where("key", "=", SECRET_KEY)
    .executeTakeFirstOrThrow();
  return row.value;
}

export async function adminExists(db: Db): Promise<boolean> {
  const row = await db.kysely.selectFrom("user").select("id").where("role", "=", "admin").limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.kysely
    .selectFrom("user")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function findUserByEmail(
  db: Db,
  email: string,
): Promise<{ id: string; email: string; name: string; role: string | null } | undefined> {
  return db.kysely
    .selectFrom("user")
    .select(["id", "email", "name", "role"])
    .where("email", "=", email.toLowerCase())
    .executeTakeFirst();
}

export async function findUserById(
  db: Db,
  id: string,
): Promise<{ id: string; email: string; name: string; role: string | null } | undefined> {
  return db.kysely.selectFrom("user").select(["id", "email", "name", "role"]).where("id", "=", id).executeTakeFirst();
}

export async function setUserRole(db: Db, userId: string, role: string): Promise<void> {
  await db.kysely.updateTable("user").set({ role }).where("id", "=", userId).execute();
}

/**
 * Exactly one self-service sign-up may become the first admin: whoever inserts the claim row
 * first. A claim whose sign-up failed (no admin appeared) may be retried at once by the same
 * email, and taken by another after `staleMs`.
 */
export async function claimFirstAdmin(db: Db, email: string, now = Date.now(), staleMs = 60_000): Promise<boolean> {
  const inserted = await db.kysely
    .insertInto("app_settings")
    .values({ key: FIRST_ADMIN_KEY, value: email, updated_at: now })
    .onConflict((oc) => oc.column("key").doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return true;
  const retaken = await db.kysely
    .updateTable("app_settings")
    .set({ value: email, updated_at: now })
    .where("key", "=", FIRST_ADMIN_KEY)
    .where((eb) => eb.or([eb("value", "=", email), eb("updated_at", "<", now - staleMs)]))
    .executeTakeFirst();
  return Number(retaken.numUpdatedRows) > 0;
}
