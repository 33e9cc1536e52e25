"use client";

import { useLocale, useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { AlertIcon } from "@/components/ui/icons";
import type { AppErrorPayload } from "@/lib/errors";

export function ErrorNotice({ error, onRetry }: { error: AppErrorPayload; onRetry: () => void }) {
  const t = useTranslations("error");
  const locale = useLocale();
  return (
    <div
      role="alert"
      data-testid="error-notice"
      data-code={error.code}
      className="flex flex-col gap-3 rounded-xl border border-danger/25 bg-danger-soft px-4 py-3 text-sm text-danger-strong sm:flex-row sm:items-start"
    >
      <p className="flex flex-1 items-start gap-2">
        <AlertIcon className="mt-0.5 shrink-0" />
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
        {t("retry")}
      </Button>
    </div>
  );
}
