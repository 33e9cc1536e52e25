import "server-only";
import type { Auth } from "@/lib/auth";
import type { Db } from "@/lib/db/client";
import { shanghaiDay } from "@/lib/db/day";
import { getGatewayStatus, type GatewayStatus } from "@/lib/db/queries/gateway-status";
import { listUserLimits } from "@/lib/db/queries/limits";
import { usageReport, type UsageReportRow } from "@/lib/db/queries/usage";
import { quotaDefaults, type QuotaDefaults } from "@/lib/quota";

// What the admin screen shows: the staff with their limits and today's tokens, usage per user per
// day, and the gateway key's latest credit and rate-limit bucket.

export interface AdminUser {
  id: string;
  email: string;
  name: string;
  role: "admin" | "user";
  banned: boolean;
  createdAt: number;
  /** The admin's overrides (null: the default applies; 0: unlimited). */
  tokensPerDay: number | null;
  maxConcurrent: number | null;
  usedToday: number;
}

export interface AdminUsers {
  users: AdminUser[];
  defaults: QuotaDefaults;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function adminUsers(auth: Auth, db: Db, headers: Headers, now = Date.now()): Promise<AdminUsers> {
  const today = shanghaiDay(now);
  const [{ users }, limits, usage] = await Promise.all([
    auth.api.listUsers({ headers, query: { limit: 1000, sortBy: "createdAt", sortDirection: "asc" } }),
    listUserLimits(db),
    usageReport(db, { fromDay: today, toDay: today }),
  ]);
  const limitsById = new Map(limits.map((l) => [l.userId, l]));
  const usedById = new Map(usage.map((u) => [u.userId, u.totalTokens]));
  return {
    defaults: quotaDefaults(),
    users: users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: (u.role ?? "").split(",").includes("admin") ? "admin" : "user",
      banned: Boolean(u.banned),
      createdAt: new Date(u.createdAt).getTime(),
      tokensPerDay: limitsById.get(u.id)?.tokensPerDay ?? null,
      maxConcurrent: limitsById.get(u.id)?.maxConcurrent ?? null,
      usedToday: usedById.get(u.id) ?? 0,
    })),
  };
}

export interface AdminUsage {
  fromDay: string;
  toDay: string;
  rows: UsageReportRow[];
  gateway: GatewayStatus | null;
}

export async function adminUsage(db: Db, days: number, now = Date.now()): Promise<AdminUsage> {
  const toDay = shanghaiDay(now);
  const fromDay = shanghaiDay(now - (days - 1) * DAY_MS);
  const [rows, gateway] = await Promise.all([usageReport(db, { fromDay, toDay }), getGatewayStatus(db)]);
  return { fromDay, toDay, rows, gateway: gateway ?? null };
}
