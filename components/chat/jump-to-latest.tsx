"use client";

import { useTranslations } from "next-intl";
import { ArrowDownIcon } from "@/components/ui/icons";

/** Appears once the reader scrolls up; brings them back to the newest text and follows it again. */
export function JumpToLatest({ onJump }: { onJump: () => void }) {
  const t = useTranslations("chat");
  return (
    <button
      type="button"
      data-testid="jump-to-latest"
      onClick={onJump}
      className="absolute bottom-3 left-1/2 z-10 inline-flex -translate-x-1/2 cursor-pointer items-center gap-1.5 rounded-full border border-border bg-surface px-3 py-1.5 text-xs font-medium text-foreground shadow-md hover:bg-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
    >
      <ArrowDownIcon />
      {t("jumpToLatest")}
    </button>
  );
}
