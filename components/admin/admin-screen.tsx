"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { LanguageSwitch } from "@/components/language-switch";
import { ThemeToggle } from "@/components/theme-toggle";
import { adminUsageOptions, adminUsersOptions } from "@/lib/query/admin";
import { CreateUserForm } from "./create-user-form";
import { num, th } from "./fields";
import { GatewayCard } from "./gateway-card";
import { UsageTable } from "./usage-table";
import { UserRow } from "./user-row";

function Section({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <section data-testid={testId} className="flex flex-col gap-3">
      <h2 className="text-base font-semibold">{title}</h2>
      {children}
    </section>
  );
}

// The admin screen: the gateway key's state, the staff (create, disable, reset, limits), usage.
export function AdminScreen({ selfId }: { selfId: string }) {
  const t = useTranslations("admin");
  const users = useQuery(adminUsersOptions());
  const usage = useQuery(adminUsageOptions(14));
  const defaults = users.data?.defaults;
  return (
    <main className="min-h-dvh">
      <header className="border-b border-border bg-surface">
        <div className="mx-auto flex h-14 w-full max-w-6xl items-center gap-3 px-4">
          <h1 className="flex-1 text-base font-semibold tracking-tight">{t("title")}</h1>
          <Link href="/" className="text-sm text-primary hover:underline">
            {t("back")}
          </Link>
          <ThemeToggle />
          <LanguageSwitch />
        </div>
      </header>
      <div className="mx-auto flex w-full max-w-6xl flex-col gap-8 px-4 py-6">
        <Section title={t("gateway")} testId="admin-gateway">
          <GatewayCard gateway={usage.data?.gateway} />
        </Section>
        <Section title={t("users")} testId="admin-users">
          <CreateUserForm />
          {defaults && (
            <p className="text-xs text-muted-foreground">
              {t("limitHint", {
                tokens: defaults.tokensPerDay > 0 ? `${num(defaults.tokensPerDay)} tokens` : t("unlimited"),
                concurrent: defaults.maxConcurrent > 0 ? String(defaults.maxConcurrent) : t("unlimited"),
              })}
            </p>
          )}
          <div className="overflow-x-auto rounded-xl border border-border bg-surface">
            <table className="w-full text-sm">
              <thead>
                <tr className="border-b border-border">
                  <th className={th}>{t("email")}</th>
                  <th className={th}>{t("status")}</th>
                  <th className={`${th} text-right`}>{t("usedToday")}</th>
                  <th className={th}>{t("limits")}</th>
                  <th className={th}>
                    <span className="sr-only">{t("resetPassword")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.data?.users.map((user) => (
                  <UserRow key={user.id} user={user} self={user.id === selfId} />
                ))}
              </tbody>
            </table>
          </div>
        </Section>
        <Section title={t("usage")} testId="admin-usage">
          {usage.data && <UsageTable usage={usage.data} />}
        </Section>
      </div>
    </main>
  );
}
