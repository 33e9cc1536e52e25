"use client";

import { useTranslations } from "next-intl";
import { formatTokenCount } from "@/lib/chat/format-tokens";
import type { ContextLevel } from "@/lib/chat/token-estimate";
import { cn } from "@/lib/utils";
import { useChatSelector } from "./chat-context";

const BAR = { ok: "bg-primary", warning: "bg-warning", full: "bg-danger" } as const;
const TEXT = { ok: "text-muted-foreground", warning: "text-warning-foreground", full: "text-danger-strong" } as const;

/** How full the model's context is: conversation plus draft, estimated until the gateway reports usage. */
export function ContextMeter({
  tokens,
  contextWindow,
  level,
}: {
  tokens: number;
  contextWindow: number;
  level: ContextLevel;
}) {
  const t = useTranslations("context");
  const percent = Math.min(100, Math.round((tokens / contextWindow) * 100));
  const detail = t("detail", { used: formatTokenCount(tokens), total: formatTokenCount(contextWindow) });
  return (
    <div
      data-testid="context-meter"
      data-level={level}
      data-percent={percent}
      className={cn("flex shrink-0 items-center gap-2 text-xs tabular-nums", TEXT[level])}
      title={detail}
    >
      <div
        role="meter"
        aria-label={t("label")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% · ${detail}`}
        className="h-1.5 w-16 overflow-hidden rounded-full bg-muted"
      >
        <div
          className={cn("h-full rounded-full transition-[width]", BAR[level])}
          style={{ width: `${Math.max(percent, 2)}%` }}
        />
      </div>
      <span>{t("percent", { percent })}</span>
    </div>
  );
}

/** The meter for the chat's conversation plus `draftTokens`: renders again on its own as a reply streams. */
export function LiveContextMeter({
  draftTokens,
  contextWindow,
  level,
}: {
  draftTokens: number;
  contextWindow: number;
  level: ContextLevel;
}) {
  const used = useChatSelector((state) => state.context.used);
  return <ContextMeter tokens={used + draftTokens} contextWindow={contextWindow} level={level} />;
}
