"use client";

import { useTranslations } from "next-intl";
import { copyText } from "@/components/chat/use-copy";
import { Button } from "@/components/ui/button";
import { noticePlainText } from "@/lib/announcements/render";
import type { Announcement } from "@/lib/announcements/schema";
import { CHANNELS, type Channel } from "@/lib/tools/channels";
import { channelFit } from "@/lib/tools/count-characters";
import { cn } from "@/lib/utils";

// What each channel would receive, measured against its limit (企业微信 in bytes), and the
// channel-specific versions the model wrote, each with its own copy button.

export function channelText(notice: Announcement, channel: Channel): string {
  const plain = noticePlainText(notice);
  switch (channel) {
    case "wecom":
      return notice.variants.wecom || plain;
    case "dingtalk":
      return notice.variants.dingtalk || plain;
    case "feishu":
      return notice.variants.feishu || plain;
    case "email":
      return notice.variants.emailSubject || notice.title;
    case "website":
      return plain;
  }
}

export function ChannelCounts({ notice }: { notice: Announcement }) {
  const t = useTranslations("announcements");
  const variants = [
    ["wecom", notice.variants.wecom],
    ["emailSubject", notice.variants.emailSubject],
  ] as const;
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <section aria-label={t("counts.label")} className="flex flex-col gap-1.5">
        <h3 className="text-sm font-medium">{t("counts.label")}</h3>
        <ul className="flex flex-col gap-1 text-sm">
          {CHANNELS.map((channel) => {
            const fit = channelFit(channelText(notice, channel), channel);
            const count =
              fit.limit === null
                ? t("counts.noLimit", { used: fit.used })
                : t(fit.unit === "bytes" ? "counts.bytes" : "counts.chars", { used: fit.used, limit: fit.limit });
            return (
              <li
                key={channel}
                data-testid={`channel-count-${channel}`}
                data-fits={fit.fits}
                className="flex items-center justify-between gap-2 rounded-md bg-muted px-2.5 py-1"
              >
                <span>{t(`channels.${channel}`)}</span>
                <span
                  className={cn("tabular-nums", fit.fits ? "text-muted-foreground" : "font-medium text-danger-strong")}
                >
                  {count}
                  {!fit.fits && fit.remaining !== null ? ` · ${t("counts.over", { n: -fit.remaining })}` : ""}
                </span>
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-label={t("variants.label")} className="flex flex-col gap-1.5">
        <h3 className="text-sm font-medium">{t("variants.label")}</h3>
        {variants.map(([key, text]) =>
          text ? (
            <div
              key={key}
              data-testid={`variant-${key}`}
              className="rounded-md border border-border px-2.5 py-1.5 text-sm"
            >
              <div className="mb-1 flex items-center justify-between gap-2 text-xs text-muted-foreground">
                <span>{t(`variants.${key}`)}</span>
                <Button variant="ghost" size="sm" className="h-6 px-2" onClick={() => void copyText(text)}>
                  {t("variants.copy")}
                </Button>
              </div>
              <p className="message-text line-clamp-4 whitespace-pre-wrap">{text}</p>
            </div>
          ) : null,
        )}
      </section>
    </div>
  );
}
