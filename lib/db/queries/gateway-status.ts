import "server-only";
import type { RateInfo } from "@/lib/gateway/rate-info";
import type { Db } from "../client";
import { prepared, sqliteNow } from "./sqlite-now";

// The latest rate-limit and credit headers the gateway sent (one row), for the admin status view.

export interface GatewayStatus extends RateInfo {
  model?: string;
  updatedAt: number;
}

const ROW_ID = "gateway";

/** SQLite: what Kysely builds for saveGatewayStatus. */
const STATUS_COLUMNS = [
  "rate_limit",
  "rate_remaining",
  "rate_reset_at",
  "key_credits",
  "org_credits",
  "model",
  "updated_at",
] as const;
const UPSERT_STATUS =
  `insert into "gateway_status" ("id", ${STATUS_COLUMNS.map((c) => `"${c}"`).join(", ")}) ` +
  `values (?, ${STATUS_COLUMNS.map(() => "?").join(", ")}) on conflict ("id") do update set ` +
  STATUS_COLUMNS.map((c) => `"${c}" = excluded."${c}"`).join(", ");

export async function saveGatewayStatus(
  db: Db,
  rate: RateInfo,
  options: { model?: string; now?: number } = {},
): Promise<void> {
  const values = {
    rate_limit: rate.limit ?? null,
    rate_remaining: rate.remaining ?? null,
    rate_reset_at: rate.resetAtMs ?? null,
    key_credits: rate.keyCredits ?? null,
    org_credits: rate.orgCredits ?? null,
    model: options.model ?? null,
    updated_at: options.now ?? Date.now(),
  };
  const sqlite = sqliteNow(db);
  if (sqlite) {
    prepared(sqlite, UPSERT_STATUS).run(ROW_ID, ...STATUS_COLUMNS.map((c) => values[c]));
    return;
  }
  await db.kysely
    .insertInto("gateway_status")
    .values({ id: ROW_ID, ...values })
    .onConflict((oc) => oc.column("id").doUpdateSet(values))
    .execute();
}

export async function getGatewayStatus(db: Db): Promise<GatewayStatus | undefined> {
  const row = await db.kysely.selectFrom("gateway_status").selectAll().where("id", "=", ROW_ID).executeTakeFirst();
  if (!row) return undefined;
  const status: GatewayStatus = { updatedAt: Number(row.updated_at) };
  if (row.rate_limit !== null) status.limit = Number(row.rate_limit);
  if (row.rate_remaining !== null) status.remaining = Number(row.rate_remaining);
  if (row.rate_reset_at !== null) status.resetAtMs = Number(row.rate_reset_at);
  if (row.key_credits !== null) status.keyCredits = Number(row.key_credits);
  if (row.org_credits !== null) status.orgCredits = Number(row.org_credits);
  if (row.model !== null) status.model = row.model;
  return status;
}
