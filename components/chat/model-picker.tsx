"use client";

import { useTranslations } from "next-intl";
import type { KeyboardEvent, MouseEvent } from "react";
import { useId, useRef } from "react";
import { Button } from "@/components/ui/button";
import { ChevronDownIcon } from "@/components/ui/icons";
import { cn } from "@/lib/utils";
import { useChatState } from "./chat-context";
import { ModelBadges } from "./model-badges";
import { useModels } from "./use-models";

const POPOVER_MAX_WIDTH = 352;
const EDGE = 8;

/**
 * The model list in a popover (light dismiss and Esc come with the Popover API): one radio per model,
 * with its capabilities as badges. Arrow keys move the choice; Enter or a click closes the list.
 */
export function ModelPicker() {
  const t = useTranslations("header");
  const tError = useTranslations("error");
  const popoverId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const popoverRef = useRef<HTMLDivElement>(null);
  const { model, setModel } = useChatState("model", "setModel");
  const { data, isPending, isError, refetch } = useModels();

  // Anchored under the button by hand: CSS anchor positioning is not in every browser yet.
  const place = () => {
    const button = buttonRef.current;
    const popover = popoverRef.current;
    if (!button || !popover) return;
    const rect = button.getBoundingClientRect();
    const width = Math.min(POPOVER_MAX_WIDTH, window.innerWidth - 2 * EDGE);
    popover.style.width = `${width}px`;
    popover.style.top = `${rect.bottom + 6}px`;
    popover.style.left = `${Math.max(EDGE, Math.min(rect.right - width, window.innerWidth - width - EDGE))}px`;
  };

  const close = () => popoverRef.current?.hidePopover();
  const onOptionClick = (event: MouseEvent) => {
    // detail is 0 for clicks that arrow keys synthesise on radios: only a real click closes the list.
    if (event.detail > 0) close();
  };
  const onOptionKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter") {
      event.preventDefault();
      close();
    }
  };

  if (isError) {
    return (
      <div className="flex min-w-0 items-center gap-1">
        <span className="truncate text-sm text-muted-foreground">{t("modelUnavailable")}</span>
        <Button
          variant="ghost"
          size="sm"
          data-testid="models-retry"
          aria-label={t("modelRetry")}
          onClick={() => void refetch()}
        >
          {tError("retry")}
        </Button>
      </div>
    );
  }

  return (
    <>
      <Button
        ref={buttonRef}
        variant="ghost"
        size="sm"
        data-testid="model-picker"
        popoverTarget={popoverId}
        disabled={!data}
        aria-label={`${t("model")}: ${model ?? t("modelLoading")}`}
        className="min-w-0 shrink font-mono text-[13px]"
      >
        <span className="truncate">{isPending ? t("modelLoading") : model}</span>
        <ChevronDownIcon className="shrink-0 opacity-60" />
      </Button>
      <div
        ref={popoverRef}
        id={popoverId}
        popover="auto"
        data-testid="model-popover"
        onBeforeToggle={(event) => {
          if (event.newState === "open") place();
        }}
        onToggle={(event) => {
          if (event.newState === "open") popoverRef.current?.querySelector<HTMLInputElement>("input:checked")?.focus();
        }}
        className="fixed m-0 max-h-[min(28rem,calc(100dvh-5rem))] overflow-y-auto rounded-xl border border-border bg-surface p-1.5 text-foreground shadow-lg"
      >
        <fieldset>
          <legend className="px-2 pt-1 pb-2 text-xs font-medium text-muted-foreground">{t("modelPicker")}</legend>
          {data?.models.map((entry) => (
            <label
              key={entry.id}
              data-testid="model-option"
              data-model={entry.id}
              onClick={onOptionClick}
              className={cn(
                "flex cursor-pointer items-start gap-2.5 rounded-lg px-2 py-2 hover:bg-muted has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-ring",
                entry.id === model && "bg-primary-soft hover:bg-primary-soft",
              )}
            >
              <input
                type="radio"
                name={popoverId}
                value={entry.id}
                checked={entry.id === model}
                onChange={() => setModel(entry.id)}
                onKeyDown={onOptionKeyDown}
                className="mt-1 size-4 shrink-0 accent-primary focus-visible:outline-none"
              />
              <span className="flex min-w-0 flex-col gap-1.5">
                <span className="font-mono text-sm font-medium">{entry.id}</span>
                <ModelBadges model={entry} />
              </span>
            </label>
          ))}
        </fieldset>
      </div>
    </>
  );
}
