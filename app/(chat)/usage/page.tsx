import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requirePageUser } from "@/lib/auth/page";
import { ensureDatabase } from "@/lib/db";
import { formatShanghai, shanghaiDay } from "@/lib/db/day";
import { usageByDay } from "@/lib/db/queries/usage";
import { quotaStatus } from "@/lib/quota";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("usage");
  return { title: t("title") };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const n = (value: number) => value.toLocaleString("en-US");

/** Today's quota status and the last 30 days, per Shanghai day. */
async function ownUsage(userId: string, now = Date.now()) {
  const db = await ensureDatabase();
  const [status, days] = await Promise.all([
    quotaStatus(db, userId, { now }),
    usageByDay(db, userId, { fromDay: shanghaiDay(now - 29 * DAY_MS), toDay: shanghaiDay(now) }),
  ]);
  return { status, days };
}

// The user's own usage: today against the limit (and when it resets), and the last 30 days.
export default async function UsagePage() {
  const user = await requirePageUser("/usage");
  const [t, { status, days }] = await Promise.all([getTranslations("usage"), ownUsage(user.id)]);
  const cell = "px-3 py-2 text-right tabular-nums";
  return (
    <main className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 px-4 py-6">
        <div className="flex items-center justify-between gap-3">
          <h1 className="text-xl font-semibold tracking-tight">{t("title")}</h1>
          <Link href="/" className="text-sm text-primary hover:underline">
            {t("back")}
          </Link>
        </div>
        <dl data-testid="usage-today" className="grid gap-3 sm:grid-cols-3">
          <div className="rounded-xl border border-border bg-surface p-4">
            <dt className="text-xs text-muted-foreground">{t("today")}</dt>
            <dd data-testid="usage-used" className="mt-1 text-2xl font-semibold tabular-nums">
              {n(status.usedTokens)}
            </dd>
          </div>
          <div className="rounded-xl border border-border bg-surface p-4">
            <dt className="text-xs text-muted-foreground">{t("limit")}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">
              {status.tokensPerDay === null ? t("unlimited") : n(status.tokensPerDay)}
            </dd>
            <dd className="mt-1 text-xs text-muted-foreground">
              {t("resets", { time: formatShanghai(status.resetAtMs) })}
            </dd>
          </div>
          <div className="rounded-xl border border-border bg-surface p-4">
            <dt className="text-xs text-muted-foreground">{t("concurrent")}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">
              {status.maxConcurrent === null ? t("unlimited") : status.maxConcurrent}
            </dd>
          </div>
        </dl>
        <section className="flex flex-col gap-2">
          <h2 className="text-base font-semibold">{t("byDay")}</h2>
          {days.length === 0 ? (
            <p className="text-sm text-muted-foreground">{t("none")}</p>
          ) : (
            <div className="overflow-x-auto rounded-xl border border-border bg-surface">
              <table data-testid="usage-table" className="w-full text-sm">
                <thead className="text-xs text-muted-foreground">
                  <tr className="border-b border-border">
                    <th className="px-3 py-2 text-left font-medium">{t("day")}</th>
                    <th className="px-3 py-2 text-right font-medium">{t("requests")}</th>
                    <th className="px-3 py-2 text-right font-medium">{t("prompt")}</th>
                    <th className="px-3 py-2 text-right font-medium">{t("completion")}</th>
                    <th className="px-3 py-2 text-right font-medium">{t("cached")}</th>
                    <th className="px-3 py-2 text-right font-medium">{t("total")}</th>
                  </tr>
                </thead>
                <tbody>
                  {days.map((day) => (
                    <tr key={day.day} className="border-b border-border last:border-0">
                      <td className="px-3 py-2 tabular-nums">{day.day}</td>
                      <td className={cell}>{n(day.requests)}</td>
                      <td className={cell}>{n(day.promptTokens)}</td>
                      <td className={cell}>{n(day.completionTokens)}</td>
                      <td className={cell}>{n(day.cachedTokens)}</td>
                      <td className={`${cell} font-medium`}>{n(day.totalTokens)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </main>
  );
}
