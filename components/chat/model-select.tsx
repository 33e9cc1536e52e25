"use client";

import { useTranslations } from "next-intl";
import { useId } from "react";
import { Button } from "@/components/ui/button";
import { useChatState } from "./chat-context";
import { useModels } from "./use-models";

export function ModelSelect() {
  const t = useTranslations("header");
  const tError = useTranslations("error");
  const id = useId();
  const { model, setModel } = useChatState();
  const { data, isPending, isError, refetch } = useModels();

  return (
    <div className="flex min-w-0 flex-1 items-center justify-end gap-1">
      <label htmlFor={id} className="sr-only">
        {t("model")}
      </label>
      <select
        id={id}
        data-testid="model-select"
        value={model ?? ""}
        onChange={(event) => setModel(event.target.value)}
        disabled={!data}
        className="h-9 w-full max-w-[14rem] min-w-0 truncate rounded-lg border border-border bg-surface px-2 text-sm text-foreground hover:bg-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring disabled:opacity-60 sm:w-auto"
      >
        {isPending && <option value="">{t("modelLoading")}</option>}
        {isError && <option value="">{t("modelUnavailable")}</option>}
        {data?.models.map((entry) => (
          <option key={entry.id} value={entry.id}>
            {entry.id}
          </option>
        ))}
      </select>
      {isError && (
        <Button
          variant="ghost"
          size="sm"
          data-testid="models-retry"
          aria-label={t("modelRetry")}
          title={t("modelRetry")}
          onClick={() => void refetch()}
        >
          {tError("retry")}
        </Button>
      )}
    </div>
  );
}
