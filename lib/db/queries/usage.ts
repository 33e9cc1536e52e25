import "server-only";
import { randomUUID } from "node:crypto";
import type { ChatUsage } from "@/lib/chat/types";
import type { Db } from "../client";
import { shanghaiDay } from "../day";
import { prepared, sqliteNow } from "./sqlite-now";

// Token usage per reply, by Shanghai calendar day: what the quota counts and the admin report sums.

export interface UsageInput {
  userId: string;
  conversationId?: string | null;
  /** One record per reply: recording the same message twice counts it once. */
  messageId?: string | null;
  model: string;
  usage: ChatUsage;
  at?: number;
}

/** SQLite: what Kysely builds for insertUsage. */
const USAGE_COLUMNS = [
  "id",
  "user_id",
  "conversation_id",
  "message_id",
  "model",
  "prompt_tokens",
  "completion_tokens",
  "cached_tokens",
  "total_tokens",
  "created_at",
  "day",
] as const;
const INSERT_USAGE =
  `insert into "usage_records" (${USAGE_COLUMNS.map((c) => `"${c}"`).join(", ")}) ` +
  `values (${USAGE_COLUMNS.map(() => "?").join(", ")}) on conflict ("message_id") do nothing`;

export async function insertUsage(db: Db, input: UsageInput): Promise<void> {
  const at = input.at ?? Date.now();
  const { promptTokens, completionTokens, cachedTokens, totalTokens } = input.usage;
  const row = {
    id: randomUUID(),
    user_id: input.userId,
    conversation_id: input.conversationId ?? null,
    message_id: input.messageId ?? null,
    model: input.model,
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    cached_tokens: cachedTokens,
    total_tokens: totalTokens || promptTokens + completionTokens,
    created_at: at,
    day: shanghaiDay(at),
  };
  const sqlite = sqliteNow(db);
  if (sqlite) {
    prepared(sqlite, INSERT_USAGE).run(USAGE_COLUMNS.map((c) => row[c]));
    return;
  }
  await db.kysely
    .insertInto("usage_records")
    .values(row)
    .onConflict((oc) => oc.column("message_id").doNothing())
    .execute();
}

/** Tokens (prompt + completion) the user spent on a Shanghai day ("YYYY-MM-DD"). */
export async function tokensUsedOn(db: Db, userId: string, day: string): Promise<number> {
  const row = await db.kysely
    .selectFrom("usage_records")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("total_tokens"), eb.lit(0)).as("total"))
    .where("user_id", "=", userId)
    .where("day", "=", day)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

export interface UsageDay {
  day: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  totalTokens: number;
}

export interface UsageReportRow extends UsageDay {
  userId: string;
  email: string;
  name: string;
}

type Sums = {
  requests: unknown;
  prompt: unknown;
  completion: unknown;
  cached: unknown;
  total: unknown;
};

function toUsageDay(row: Sums & { day: string }): UsageDay {
  return {
    day: row.day,
    requests: Number(row.requests),
    promptTokens: Number(row.prompt),
    completionTokens: Number(row.completion),
    cachedTokens: Number(row.cached),
    totalTokens: Number(row.total),
  };
}

/** The user's own usage per day in [fromDay, toDay], newest first. */
export async function usageByDay(
  db: Db,
  userId: string,
  range: { fromDay: string; toDay: string },
): Promise<UsageDay[]> {
  const rows = await db.kysely
    .selectFrom("usage_records")
    .select((eb) => [
      "day",
      eb.fn.countAll().as("requests"),
      eb.fn.sum("prompt_tokens").as("prompt"),
      eb.fn.sum("completion_tokens").as("completion"),
      eb.fn.sum("cached_tokens").as("cached"),
      eb.fn.sum("total_tokens").as("total"),
    ])
    .where("user_id", "=", userId)
    .where("day", ">=", range.fromDay)
    .where("day", "<=", range.toDay)
    .groupBy("day")
    .orderBy("day", "desc")
    .execute();
  return rows.map(toUsageDay);
}

/** Admin report: every user's usage per day in [fromDay, toDay], newest day first, then by tokens. */
export async function usageReport(db: Db, range: { fromDay: string; toDay: string }): Promise<UsageReportRow[]> {
  const rows = await db.kysely
    .selectFrom("usage_records as u")
    .innerJoin("user", "user.id", "u.user_id")
    .select((eb) => [
      "u.user_id",
      "u.day",
      "user.email",
      "user.name",
      eb.fn.countAll().as("requests"),
      eb.fn.sum("u.prompt_tokens").as("prompt"),
      eb.fn.sum("u.completion_tokens").as("completion"),
      eb.fn.sum("u.cached_tokens").as("cached"),
      eb.fn.sum("u.total_tokens").as("total"),
    ])
    .where("u.day", ">=", range.fromDay)
    .where("u.day", "<=", range.toDay)
    .groupBy(["u.user_id", "u.day", "user.email", "user.name"])
    .execute();
  return rows
    .map((row) => ({ ...toUsageDay(row), userId: row.user_id, email: row.email, name: row.name }))
    .sort((a, b) => b.day.localeCompare(a.day) || b.totalTokens - a.totalTokens);
}
