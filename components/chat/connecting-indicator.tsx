"use client";

import { useTranslations } from "next-intl";

/** Shown until the first token arrives; the status announcer speaks it, so it is hidden from screen readers. */
export function ConnectingIndicator() {
  const t = useTranslations("message");
  return (
    <div
      data-testid="connecting-indicator"
      aria-hidden="true"
      className="flex items-center gap-2 py-1 text-sm text-muted-foreground"
    >
      <span className="flex gap-1">
        <span className="size-1.5 animate-pulse rounded-full bg-current" />
        <span className="size-1.5 animate-pulse rounded-full bg-current [animation-delay:150ms]" />
        <span className="size-1.5 animate-pulse rounded-full bg-current [animation-delay:300ms]" />
      </span>
      {t("connecting")}
    </div>
  );
}
