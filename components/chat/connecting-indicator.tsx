"use client";

import { useTranslations } from "next-intl";
import { useElapsedSeconds } from "./use-elapsed-seconds";

/** After this long without a first token, the indicator also says how long it has waited and that Stop works. */
export const WAIT_SHOWN_AFTER_SECONDS = 5;

/**
 * Shown until the first token arrives; the status announcer speaks it, so it is hidden from screen readers.
 * A gateway that is slow to answer, or busy and being retried, can take a while: after a few seconds the
 * wait is counted, so a person sees the app is still working on it rather than stuck.
 */
export function ConnectingIndicator() {
  const t = useTranslations("message");
  const seconds = useElapsedSeconds(true);
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
      {seconds !== undefined && seconds >= WAIT_SHOWN_AFTER_SECONDS && (
        <span data-testid="connecting-elapsed" className="tabular-nums">
          {t("connectingFor", { seconds })}
        </span>
      )}
    </div>
  );
}
