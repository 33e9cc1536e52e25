"use client";

import { useFormatter, useTranslations } from "next-intl";
import type { GatewayStatus } from "@/lib/query/admin";

/** The gateway reports credit and its spend bucket in US dollars. */
const usd = (value: number) => `$${value.toFixed(2)}`;

// The gateway key's latest credit and rate-limit bucket (from the headers of the last gateway call).
export function GatewayCard({ gateway }: { gateway: GatewayStatus | null | undefined }) {
  const t = useTranslations("admin");
  const format = useFormatter();
  const time = (ms: number) => format.dateTime(new Date(ms), { dateStyle: "short", timeStyle: "short" });
  const item = "rounded-xl border border-border bg-surface p-4";
  if (!gateway) {
    return <p className="text-sm text-muted-foreground">{t("unknown")}</p>;
  }
  return (
    <div className="flex flex-col gap-2">
      <dl className="grid gap-3 sm:grid-cols-3">
        <div className={item}>
          <dt className="text-xs text-muted-foreground">{t("credits")}</dt>
          <dd data-testid="gateway-credits" className="mt-1 text-2xl font-semibold tabular-nums">
            {gateway.keyCredits === undefined ? "—" : usd(gateway.keyCredits)}
          </dd>
        </div>
        <div className={item}>
          <dt className="text-xs text-muted-foreground">{t("orgCredits")}</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums">
            {gateway.orgCredits === undefined ? "—" : usd(gateway.orgCredits)}
          </dd>
        </div>
        <div className={item}>
          <dt className="text-xs text-muted-foreground">{t("rateBucket")}</dt>
          <dd data-testid="gateway-rate" className="mt-1 text-lg font-semibold tabular-nums">
            {gateway.remaining !== undefined && gateway.limit !== undefined
              ? t("rateValue", { remaining: usd(gateway.remaining), limit: usd(gateway.limit) })
              : "—"}
          </dd>
          {gateway.resetAtMs !== undefined && (
            <dd className="text-xs text-muted-foreground">{t("rateReset", { time: time(gateway.resetAtMs) })}</dd>
          )}
        </div>
      </dl>
      <p className="text-xs text-muted-foreground">
        {t("updated", { time: time(gateway.updatedAt) })}
        {gateway.model ? ` · ${gateway.model}` : ""}
      </p>
    </div>
  );
}
