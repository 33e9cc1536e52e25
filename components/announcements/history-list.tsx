"use client";

import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
import { isKind } from "@/lib/announcements/kinds";
import { cn } from "@/lib/utils";
import { announcementListQuery } from "./queries";

// The user's saved announcements; opening one shows its form and versions again, in place.

export function HistoryList({ currentId, onOpen }: { currentId: string | undefined; onOpen: (id: string) => void }) {
  const t = useTranslations("announcements");
  const format = useFormatter();
  const { data } = useQuery(announcementListQuery());
  const items = data?.items ?? [];
  return (
    <section data-testid="announcement-history" aria-label={t("history.label")} className="flex flex-col gap-2">
      <h2 className="text-sm font-medium">{t("history.label")}</h2>
      {items.length === 0 ? (
        <p className="text-xs text-muted-foreground">{t("history.empty")}</p>
      ) : (
        <ul className="flex flex-col gap-1">
          {items.map((item) => (
            <li key={item.id}>
              <Link
                href={`/announcements?id=${encodeURIComponent(item.id)}`}
                data-testid="history-item"
                aria-current={item.id === currentId ? "page" : undefined}
                onClick={(event) => {
                  // A plain click opens it in place; a modified click (new tab) follows the link.
                  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                  event.preventDefault();
                  onOpen(item.id);
                }}
                className={cn(
                  "flex flex-col rounded-lg px-2.5 py-1.5 text-sm transition-colors hover:bg-muted",
                  item.id === currentId && "bg-primary-soft",
                )}
              >
                <span className="truncate font-medium">{item.title}</span>
                <span className="text-xs text-muted-foreground">
                  {isKind(item.kind) ? t(`kinds.${item.kind}`) : item.kind} ·{" "}
                  {t("history.versions", { n: item.versionCount })} ·{" "}
                  {format.dateTime(new Date(item.updatedAt), {
                    month: "numeric",
                    day: "numeric",
                    hour: "2-digit",
                    minute: "2-digit",
                  })}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
