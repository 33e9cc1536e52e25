"use client";

import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { formatTokenCount } from "@/lib/chat/format-tokens";
import type { CatalogModel } from "@/lib/chat/types";

/** A model's capabilities as small badges: vision, tools, thinking, context window, max output. */
export function ModelBadges({ model }: { model: CatalogModel }) {
  const t = useTranslations("model");
  return (
    <span className="flex flex-wrap gap-1" data-testid="model-badges">
      {model.vision && <Badge>{t("vision")}</Badge>}
      {model.tools && <Badge>{t("tools")}</Badge>}
      {model.thinking && <Badge>{t("thinking")}</Badge>}
      <Badge data-testid="context-badge">{t("context", { size: formatTokenCount(model.contextWindow) })}</Badge>
      <Badge>{t("maxOutput", { size: formatTokenCount(model.maxOutputTokens) })}</Badge>
    </span>
  );
}
