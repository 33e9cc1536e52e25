"use client";

import { useLocale, useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { AlertIcon, InfoIcon } from "@/components/ui/icons";
import type { AppErrorPayload } from "@/lib/errors";
import { cn } from "@/lib/utils";

/** Codes that are the service working as intended, not a failure: shown as a calm notice. */
const NOTICES = new Set<AppErrorPayload["code"]>(["content_filtered"]);

export function ErrorNotice({ error, onRetry }: { error: AppErrorPayload; onRetry: () => void }) {
  const t = useTranslations("error");
  const locale = useLocale();
  const notice = NOTICES.has(error.code);
  const Icon = notice ? InfoIcon : AlertIcon;
  return (
    <div
      role={notice ? "status" : "alert"}
      data-testid="error-notice"
      data-code={error.code}
      data-tone={notice ? "notice" : "error"}
      className={cn(
        "flex flex-col gap-3 rounded-xl border px-4 py-3 text-sm sm:flex-row sm:items-start",
        notice ? "border-border bg-muted text-foreground" : "border-danger/25 bg-danger-soft text-danger-strong",
      )}
    >
      <p className="flex flex-1 items-start gap-2">
        <Icon className={cn("mt-0.5 shrink-0", notice && "text-muted-foreground")} />
        <span className="message-text">{error.message[locale]}</span>
      </p>
      {/* Non-retryable errors still offer Retry, quieter: the cause (a key, a model) may be fixed meanwhile. */}
      <Button
        variant={error.retryable ? "danger" : "secondary"}
        size="sm"
        data-testid="retry-button"
        onClick={onRetry}
        className="self-end sm:self-auto"
      >
        {notice ? t("regenerate") : t("retry")}
      </Button>
    </div>
  );
}
