"use client";

import { useTranslations } from "next-intl";
import type { AdminUsageResponse } from "@/lib/query/admin";
import { num, td, th } from "./fields";

// Tokens per person per day, newest day first.
export function UsageTable({ usage }: { usage: AdminUsageResponse }) {
  const t = useTranslations("admin");
  const right = `${td} text-right tabular-nums`;
  return (
    <div className="flex flex-col gap-2">
      <p className="text-xs text-muted-foreground">{t("usageRange", { from: usage.fromDay, to: usage.toDay })}</p>
      {usage.rows.length === 0 ? (
        <p className="text-sm text-muted-foreground">{t("noUsage")}</p>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-border bg-surface">
          <table data-testid="admin-usage-table" className="w-full text-sm">
            <thead>
              <tr className="border-b border-border">
                <th className={th}>{t("day")}</th>
                <th className={th}>{t("user")}</th>
                <th className={`${th} text-right`}>{t("requests")}</th>
                <th className={`${th} text-right`}>{t("prompt")}</th>
                <th className={`${th} text-right`}>{t("completion")}</th>
                <th className={`${th} text-right`}>{t("cached")}</th>
                <th className={`${th} text-right`}>{t("total")}</th>
              </tr>
            </thead>
            <tbody>
              {usage.rows.map((row) => (
                <tr
                  key={`${row.day}-${row.userId}`}
                  data-testid="admin-usage-row"
                  data-email={row.email}
                  className="border-b border-border last:border-0"
                >
                  <td className={`${td} tabular-nums`}>{row.day}</td>
                  <td className={td}>{row.email}</td>
                  <td className={right}>{num(row.requests)}</td>
                  <td className={right}>{num(row.promptTokens)}</td>
                  <td className={right}>{num(row.completionTokens)}</td>
                  <td className={right}>{num(row.cachedTokens)}</td>
                  <td className={`${right} font-medium`}>{num(row.totalTokens)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
