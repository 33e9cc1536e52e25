import "server-only";
import type { Db } from "@/lib/db/client";
import { formatShanghai, nextShanghaiMidnight, shanghaiDay } from "@/lib/db/day";
import { getUserLimits, setUserLimits, type UserLimits } from "@/lib/db/queries/limits";
import {
  countStreamingReplies,
  type ConcurrencyLimit,
  type StoredMessage,
  type TokenLimit,
} from "@/lib/db/queries/messages";
import { insertUsage, tokensUsedOn, type UsageInput } from "@/lib/db/queries/usage";
import { REPLY_STALE_MS } from "@/lib/db/reply-writer";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { estimateConversationTokens } from "@/lib/chat/token-estimate";

// Per-user limits, checked before the gateway is called: tokens per Shanghai calendar day and
// replies in progress at once. Defaults come from QUOTA_TOKENS_PER_DAY and QUOTA_MAX_CONCURRENT;
// an admin may override either per user. 0 means unlimited.
//
// Replies in progress are counted from the database (messages still 'streaming' and written to
// recently), so the limit holds across instances. checkQuota refuses early (before images are read);
// the place itself is taken when the reply's row is stored: the turn passes concurrencyLimit(check)
// to appendTurnMessages, which counts again in the same transaction as it inserts (a per-user lock on
// PostgreSQL, BEGIN IMMEDIATE on SQLite), so two requests in the same instant cannot both take the last one.
//
// The daily token limit is held the same way: a reply's usage is known only when it ends, so while it streams its
// row reserves an estimate (its prompt's estimate plus its max output tokens: tokenLimit, withPrompt), and the
// transaction that stores a new reply's row counts today's recorded usage plus every reservation of the replies in
// progress. Under the limit the reply starts (and, as ever, may itself cross it); several sent at once no longer all
// pass on the usage recorded before any of them ended. A reservation ends with the reply's streaming (its usage is
// recorded first), or once its row has not been written to for REPLY_STALE_MS (its server went away).

export interface QuotaDefaults {
  tokensPerDay: number;
  maxConcurrent: number;
}

export interface QuotaStatus {
  day: string;
  usedTokens: number;
  /** null: unlimited. */
  tokensPerDay: number | null;
  /** Epoch ms of the next Shanghai midnight, when usedTokens starts again from 0. */
  resetAtMs: number;
  streaming: number;
  /** null: unlimited. */
  maxConcurrent: number | null;
}

export interface QuotaOptions {
  defaults?: QuotaDefaults;
  now?: number;
  /** A reply being replaced in this conversation does not count against the new one. */
  ignoreConversationId?: string;
}

export function quotaDefaults(): QuotaDefaults {
  const env = serverEnv();
  return { tokensPerDay: env.QUOTA_TOKENS_PER_DAY, maxConcurrent: env.QUOTA_MAX_CONCURRENT };
}

const orUnlimited = (value: number) => (value > 0 ? value : null);

/** The limits in force for a user: their override where set, else the default. */
export async function effectiveLimits(
  db: Db,
  userId: string,
  defaults: QuotaDefaults = quotaDefaults(),
): Promise<{ tokensPerDay: number | null; maxConcurrent: number | null }> {
  const own = await getUserLimits(db, userId);
  return {
    tokensPerDay: orUnlimited(own.tokensPerDay ?? defaults.tokensPerDay),
    maxConcurrent: orUnlimited(own.maxConcurrent ?? defaults.maxConcurrent),
  };
}

export async function quotaStatus(db: Db, userId: string, options: QuotaOptions = {}): Promise<QuotaStatus> {
  const now = options.now ?? Date.now();
  const day = shanghaiDay(now);
  const [limits, usedTokens, streaming] = await Promise.all([
    effectiveLimits(db, userId, options.defaults),
    tokensUsedOn(db, userId, day),
    countStreamingReplies(db, userId, {
      freshSince: now - REPLY_STALE_MS,
      ...(options.ignoreConversationId ? { ignoreConversationId: options.ignoreConversationId } : {}),
    }),
  ]);
  return { day, usedTokens, resetAtMs: nextShanghaiMidnight(now), streaming, ...limits };
}

/** What checkQuota found; a count is null when its limit is unlimited (then it is not counted at all). */
export type QuotaCheck = Omit<QuotaStatus, "usedTokens" | "streaming"> & {
  usedTokens: number | null;
  streaming: number | null;
};

/**
 * Throws quota_tokens_exceeded (used/limit/resetAt) or quota_concurrency_exceeded (limit) when the
 * user may not start another reply now; returns what it counted otherwise. Runs before every reply,
 * so it only counts what a limit needs.
 */
export async function checkQuota(db: Db, userId: string, options: QuotaOptions = {}): Promise<QuotaCheck> {
  const now = options.now ?? Date.now();
  const day = shanghaiDay(now);
  const limits = await effectiveLimits(db, userId, options.defaults);
  const [usedTokens, streaming] = await Promise.all([
    limits.tokensPerDay === null ? null : tokensUsedOn(db, userId, day),
    limits.maxConcurrent === null
      ? null
      : countStreamingReplies(db, userId, {
          freshSince: now - REPLY_STALE_MS,
          ...(options.ignoreConversationId ? { ignoreConversationId: options.ignoreConversationId } : {}),
        }),
  ]);
  const resetAtMs = nextShanghaiMidnight(now);
  if (limits.tokensPerDay !== null && usedTokens !== null && usedTokens >= limits.tokensPerDay) {
    throw new AppError("quota_tokens_exceeded", {
      used: usedTokens,
      limit: limits.tokensPerDay,
      resetAt: formatShanghai(resetAtMs),
      resetAtMs,
    });
  }
  if (limits.maxConcurrent !== null && streaming !== null && streaming >= limits.maxConcurrent) {
    throw new AppError("quota_concurrency_exceeded", { limit: limits.maxConcurrent });
  }
  return { day, usedTokens, resetAtMs, streaming, ...limits };
}

/** The concurrency limit a turn's rows are stored under (appendTurnMessages); undefined when unlimited. */
export function concurrencyLimit(check: Pick<QuotaCheck, "maxConcurrent">): ConcurrencyLimit | undefined {
  return check.maxConcurrent === null ? undefined : { limit: check.maxConcurrent, staleMs: REPLY_STALE_MS };
}

/**
 * The daily token limit a turn's rows are stored under (appendTurnMessages, reopenReply); undefined when unlimited.
 * `reserve` is what the reply may spend beyond its conversation (its max output tokens, the system prompt's
 * estimate); withPrompt adds the conversation once the turn has read it.
 */
export function tokenLimit(
  check: Pick<QuotaCheck, "tokensPerDay" | "day" | "resetAtMs">,
  reserve: number,
): TokenLimit | undefined {
  if (check.tokensPerDay === null) return undefined;
  return { limit: check.tokensPerDay, day: check.day, resetAtMs: check.resetAtMs, staleMs: REPLY_STALE_MS, reserve };
}

/** The limit with the estimate of the conversation that goes upstream (lib/chat/token-estimate) added to its reserve. */
export function withPrompt(
  tokens: TokenLimit | undefined,
  history: readonly Pick<StoredMessage, "id" | "role" | "text" | "metadata">[],
): TokenLimit | undefined {
  if (!tokens) return undefined;
  const prompt = estimateConversationTokens(
    history.map((m) => ({
      id: m.id,
      role: m.role,
      text: m.text,
      ...(m.metadata.usage ? { usage: m.metadata.usage } : {}),
    })),
  );
  return { ...tokens, reserve: tokens.reserve + prompt };
}

/** Records a reply's token usage on the Shanghai day it finished. Idempotent per message id. */
export async function recordUsage(db: Db, input: UsageInput): Promise<void> {
  await insertUsage(db, input);
}

/** Admin: override a user's limits (null returns to the default, 0 is unlimited). */
export function setLimits(db: Db, userId: string, limits: UserLimits): Promise<void> {
  return setUserLimits(db, userId, limits);
}

export type { UserLimits };
