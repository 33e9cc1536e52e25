import "server-only";
import type { Db } from "../client";

// Per-user overrides of the quota defaults, set by an admin. null keeps the default; 0 is unlimited.

export interface UserLimits {
  tokensPerDay: number | null;
  maxConcurrent: number | null;
}

/**
 * Overrides are read before every reply: each user's is remembered for LIMITS_CACHE_MS (per database
 * handle). setUserLimits forgets it at once; another instance sharing a PostgreSQL database sees an
 * admin's change within LIMITS_CACHE_MS.
 */
export const LIMITS_CACHE_MS = 5_000;
const limitsCache = new WeakMap<Db, Map<string, { until: number; value: Promise<UserLimits> }>>();

export function getUserLimits(db: Db, userId: string, now = Date.now()): Promise<UserLimits> {
  let cache = limitsCache.get(db);
  if (!cache) limitsCache.set(db, (cache = new Map()));
  const hit = cache.get(userId);
  if (hit && hit.until > now) return hit.value;
  const value = readUserLimits(db, userId);
  const entry = { until: now + LIMITS_CACHE_MS, value };
  if (cache.size >= 10_000) cache.clear();
  cache.set(userId, entry);
  value.catch(() => {
    if (cache.get(userId) === entry) cache.delete(userId);
  });
  return value;
}

async function readUserLimits(db: Db, userId: string): Promise<UserLimits> {
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

/** Set by scripts/start.mjs: the chat worker's thread remembers overrides too and must forget a change at once. */
export const LIMITS_FORGOTTEN_HOOK = Symbol.for("glm-chat.limits-forgotten");

/** Forgets one user's remembered overrides (the chat worker, told of a change made in the server's thread). */
export function forgetUserLimits(db: Db, userId: string): void {
  limitsCache.get(db)?.delete(userId);
}

export async function setUserLimits(db: Db, userId: string, limits: UserLimits, now = Date.now()): Promise<void> {
  const values = { tokens_per_day: limits.tokensPerDay, max_concurrent: limits.maxConcurrent, updated_at: now };
  limitsCache.get(db)?.delete(userId);
  try {
    await db.kysely
      .insertInto("user_limits")
      .values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column("user_id").doUpdateSet(values))
      .execute();
  } finally {
    // Also a read that started while this write ran.
    limitsCache.get(db)?.delete(userId);
    (globalThis as typeof globalThis & { [LIMITS_FORGOTTEN_HOOK]?: (userId: string) => void })[LIMITS_FORGOTTEN_HOOK]?.(
      userId,
    );
  }
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
