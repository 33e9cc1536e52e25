import { queryOptions } from "@tanstack/react-query";
import { fetchJson } from "./conversations";

// The admin screen's server state (GET /api/admin/…).

export interface AdminUser {
  id: string;
  email: string;
  name: string;
  role: "admin" | "user";
  banned: boolean;
  createdAt: number;
  tokensPerDay: number | null;
  maxConcurrent: number | null;
  usedToday: number;
}

export interface AdminUsersResponse {
  users: AdminUser[];
  defaults: { tokensPerDay: number; maxConcurrent: number };
}

export interface UsageRow {
  userId: string;
  email: string;
  name: string;
  day: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  totalTokens: number;
}

export interface GatewayStatus {
  limit?: number;
  remaining?: number;
  resetAtMs?: number;
  keyCredits?: number;
  orgCredits?: number;
  model?: string;
  updatedAt: number;
}

export interface AdminUsageResponse {
  fromDay: string;
  toDay: string;
  rows: UsageRow[];
  gateway: GatewayStatus | null;
}

export const adminKeys = {
  all: ["admin"] as const,
  users: () => [...adminKeys.all, "users"] as const,
  usage: (days: number) => [...adminKeys.all, "usage", days] as const,
};

export const adminUsersOptions = () =>
  queryOptions({
    queryKey: adminKeys.users(),
    queryFn: () => fetchJson<AdminUsersResponse>("/api/admin/users"),
    staleTime: 10_000,
  });

export const adminUsageOptions = (days = 14) =>
  queryOptions({
    queryKey: adminKeys.usage(days),
    queryFn: () => fetchJson<AdminUsageResponse>(`/api/admin/usage?days=${days}`),
    staleTime: 10_000,
  });

/** A JSON request to an admin route; rejects with the AppError body as its message. */
export function adminRequest(url: string, method: "POST" | "PATCH", body: unknown) {
  return fetchJson<unknown>(url, {
    method,
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
}
