"use client";

import { useTranslations } from "next-intl";
import type { AnnouncementVersion } from "@/lib/announcements/generate";
import { cn } from "@/lib/utils";

// Every version of the announcement; picking one shows it (and revisions start from it).

export function VersionList({
  versions,
  selectedId,
  onSelect,
}: {
  versions: AnnouncementVersion[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}) {
  const t = useTranslations("announcements.versions");
  if (versions.length === 0) return null;
  return (
    <nav aria-label={t("label")} className="flex flex-wrap items-center gap-1.5">
      <span className="mr-1 text-sm text-muted-foreground">{t("label")}</span>
      {versions.map((version) => (
        <button
          key={version.id}
          type="button"
          data-testid={`version-${version.seq}`}
          aria-current={version.id === selectedId ? "true" : undefined}
          title={version.instruction ?? t("first")}
          onClick={() => onSelect(version.id)}
          className={cn(
            "cursor-pointer rounded-full border px-3 py-1 text-xs transition-colors focus-visible:outline-2 focus-visible:outline-ring",
            version.id === selectedId
              ? "border-primary bg-primary-soft font-medium text-foreground"
              : "border-border bg-surface text-muted-foreground hover:text-foreground",
          )}
        >
          {t("item", { n: version.seq })}
          {version.instruction ? ` · ${version.instruction.slice(0, 12)}` : ""}
          {version.status === "fallback" ? ` · ${t("fallback")}` : ""}
        </button>
      ))}
    </nav>
  );
}
