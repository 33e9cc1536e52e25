import "server-only";
import type { Db } from "../client";

// Per-user overrides of the quota defaults, set by an admin. null keeps the default; 0 is unlimited.

export interface UserLimits {
  tokensPerDay: number | null;
  maxConcurrent: number | null;
}

export async function getUserLimits(db: Db, userId: string): Promise<UserLimits> {
  const row = await db.kysely
    .selectFrom("user_limits")
    .select(["tokens_per_day", "max_concurrent"])
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return {
    tokensPerDay: row?.tokens_per_day == null ? null : Number(row.tokens_per_day),
    maxConcurrent: row?.max_concurrent == null ? null : Number(row.max_concurrent),
  };
}

export async function setUserLimits(db: Db, userId: string, limits: UserLimits, now = Date.now()): Promise<void> {
  const values = { tokens_per_day: limits.tokensPerDay, max_concurrent: limits.maxConcurrent, updated_at: now };
  await db.kysely
    .insertInto("user_limits")
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column("user_id").doUpdateSet(values))
    .execute();
}

/** Every override, for the admin screen. */
export async function listUserLimits(db: Db): Promise<Array<UserLimits & { userId: string }>> {
  const rows = await db.kysely.selectFrom("user_limits").selectAll().execute();
  return rows.map((row) => ({
    userId: row.user_id,
    tokensPerDay: row.tokens_per_day == null ? null : Number(row.tokens_per_day),
    maxConcurrent: row.max_concurrent == null ? null : Number(row.max_concurrent),
  }));
}
