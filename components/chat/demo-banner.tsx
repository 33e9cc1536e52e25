"use client";

import { useTranslations } from "next-intl";
import { InfoIcon } from "@/components/ui/icons";
import { useModels } from "./use-models";

export function DemoBanner() {
  const t = useTranslations("demo");
  const { data } = useModels();
  if (!data?.demoMode) return null;
  return (
    <div data-testid="demo-banner" role="note" className="border-b border-warning-border bg-warning-soft">
      <p className="mx-auto flex w-full max-w-3xl items-start gap-2 px-3 py-2 text-sm text-warning-foreground sm:px-4">
        <InfoIcon className="mt-0.5 shrink-0" />
        <span className="message-text">{t("banner")}</span>
      </p>
    </div>
  );
}
