"use client";

import { useTranslations } from "next-intl";
import { Markdown } from "@/components/markdown/markdown";
import type { Announcement } from "@/lib/announcements/schema";

// The notice as it will read once posted: centred title, body, sign-off and date on the right.
// While it streams, whatever fields have arrived are shown.

export function NoticePreview({
  notice,
  streaming,
}: {
  notice: Partial<Announcement> | undefined;
  streaming: boolean;
}) {
  const t = useTranslations("announcements");
  const signoff = notice?.signoff;
  return (
    <article
      data-testid="announcement-preview"
      data-streaming={streaming}
      aria-label={t("previewLabel")}
      aria-busy={streaming}
      className="min-h-[420px] rounded-xl border border-border bg-surface px-6 py-8 shadow-sm sm:px-12 sm:py-10"
    >
      {!notice ? (
        <p className="mt-24 text-center text-sm text-muted-foreground">
          {streaming ? t("generating") : t("previewEmpty")}
        </p>
      ) : (
        <>
          <h2 data-testid="preview-title" className="mb-6 text-center text-xl leading-relaxed font-bold tracking-wide">
            {notice.title ?? ""}
          </h2>
          {notice.body ? (
            <div data-testid="preview-body">
              <Markdown text={notice.body} streaming={streaming} />
            </div>
          ) : null}
          {(signoff?.issuer || signoff?.date) && (
            <div data-testid="preview-signoff" className="mt-10 flex flex-col items-end gap-1 text-right">
              <span>{signoff?.issuer}</span>
              <span>{signoff?.date}</span>
            </div>
          )}
        </>
      )}
    </article>
  );
}
