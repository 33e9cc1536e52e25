"use client";

import { useTranslations } from "next-intl";
import type { ChatUsage } from "@/lib/chat/types";

export function MessageUsage({ usage }: { usage: ChatUsage }) {
  const t = useTranslations("message");
  return (
    <p data-testid="message-usage" className="text-xs text-muted-foreground tabular-nums">
      {t("usage", { prompt: usage.promptTokens, completion: usage.completionTokens, cached: usage.cachedTokens })}
    </p>
  );
}
