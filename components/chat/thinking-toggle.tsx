"use client";

import { useTranslations } from "next-intl";
import { SparkIcon } from "@/components/ui/icons";
import { cn } from "@/lib/utils";
import { useChatState } from "./chat-context";

/** This chat's thinking switch, beside the input where it is used; hidden for models that cannot think. */
export function ThinkingToggle() {
  const t = useTranslations("composer");
  const { modelInfo, settings, updateSettings } = useChatState("modelInfo", "settings", "updateSettings");
  if (!modelInfo?.thinking) return null;
  const on = settings.thinking ?? true;
  return (
    <button
      type="button"
      data-testid="thinking-toggle"
      aria-pressed={on}
      title={on ? t("thinkingOn") : t("thinkingOff")}
      onClick={() => updateSettings({ thinking: !on })}
      className={cn(
        "inline-flex h-8 cursor-pointer items-center gap-1.5 rounded-full border px-3 text-xs font-medium transition-colors",
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring",
        on
          ? "border-primary/40 bg-primary-soft text-primary dark:text-foreground"
          : "border-border text-muted-foreground hover:bg-muted hover:text-foreground",
      )}
    >
      <SparkIcon />
      {t("thinking")}
    </button>
  );
}
