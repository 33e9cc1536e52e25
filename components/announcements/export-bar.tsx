"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { copyText } from "@/components/chat/use-copy";
import { Button } from "@/components/ui/button";
import { CheckIcon, CopyIcon } from "@/components/ui/icons";
import { noticeHtml, noticeMarkdown, noticePlainText } from "@/lib/announcements/render";
import type { Announcement } from "@/lib/announcements/schema";
import { copyRich } from "./clipboard";

// Copy the notice three ways, or download it as Word; each button says when it has copied.

type CopyKind = "rich" | "markdown" | "plain";

export function ExportBar({
  notice,
  announcementId,
  versionId,
}: {
  notice: Announcement;
  announcementId: string;
  versionId: string;
}) {
  const t = useTranslations("announcements.export");
  const [done, setDone] = useState<{ kind: CopyKind; ok: boolean }>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async (kind: CopyKind) => {
    const plain = noticePlainText(notice);
    const ok =
      kind === "rich"
        ? await copyRich(noticeHtml(notice), plain)
        : await copyText(kind === "markdown" ? noticeMarkdown(notice) : plain);
    setDone({ kind, ok });
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setDone(undefined), 2000);
  };

  const button = (kind: CopyKind, testId: string, label: string) => (
    <Button variant="secondary" size="sm" data-testid={testId} onClick={() => void copy(kind)}>
      {done?.kind === kind && done.ok ? <CheckIcon /> : <CopyIcon />}
      {done?.kind === kind && done.ok ? t("copied") : label}
    </Button>
  );

  return (
    <div className="flex flex-col gap-2">
      <div role="group" aria-label={t("label")} className="flex flex-wrap items-center gap-2">
        {button("rich", "copy-rich", t("copyRich"))}
        {button("markdown", "copy-markdown", t("copyMarkdown"))}
        {button("plain", "copy-plain", t("copyPlain"))}
        <a
          data-testid="export-docx"
          href={`/api/announcements/${encodeURIComponent(announcementId)}/docx?version=${encodeURIComponent(versionId)}`}
          download
          className="inline-flex h-8 items-center gap-1.5 rounded-lg bg-primary px-3 text-sm font-medium text-primary-foreground transition-colors hover:bg-primary-hover focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
        >
          {t("docx")}
        </a>
      </div>
      <p role="status" aria-live="polite" className="min-h-4 text-xs text-danger-strong">
        {done && !done.ok ? t("copyFailed") : ""}
      </p>
    </div>
  );
}
