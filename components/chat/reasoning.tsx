"use client";

import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { ChevronRightIcon } from "@/components/ui/icons";
import { cn } from "@/lib/utils";
import { useElapsedSeconds } from "./use-elapsed-seconds";

/**
 * The model's 思考过程: open with a live timer while it thinks, folded once the answer begins (the reader
 * can reopen it), then labelled with how long it took.
 */
export function Reasoning({ text, streaming }: { text: string; streaming: boolean }) {
  const t = useTranslations("message");
  const contentId = useId();
  const seconds = useElapsedSeconds(streaming);
  const [open, setOpen] = useState(streaming);
  const [wasStreaming, setWasStreaming] = useState(streaming);
  // Thinking starts → open; the answer starts (reasoning ends) → fold. The reader's own toggles hold in between.
  if (streaming !== wasStreaming) {
    setWasStreaming(streaming);
    setOpen(streaming);
  }

  const label = streaming
    ? t("reasoningLive", { seconds: seconds ?? 0 })
    : seconds !== undefined
      ? t("reasoningDone", { seconds })
      : t("reasoning");

  return (
    <div
      data-testid="reasoning"
      data-state={streaming ? "streaming" : "done"}
      data-open={open}
      className="mb-3 rounded-xl border border-border bg-muted/60 text-sm"
    >
      <button
        type="button"
        data-testid="reasoning-toggle"
        aria-expanded={open}
        aria-controls={contentId}
        onClick={() => setOpen((value) => !value)}
        className="flex w-full cursor-pointer items-center gap-1.5 rounded-xl px-3 py-2 text-left text-muted-foreground select-none hover:text-foreground focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
      >
        <ChevronRightIcon className={cn("shrink-0 transition-transform", open && "rotate-90")} />
        {streaming && <span aria-hidden="true" className="size-1.5 shrink-0 animate-pulse rounded-full bg-primary" />}
        <span data-testid="reasoning-label" className="tabular-nums">
          {label}
        </span>
      </button>
      <div
        id={contentId}
        hidden={!open}
        className="message-text border-t border-border px-3 py-2 whitespace-pre-wrap text-muted-foreground"
      >
        {text}
      </div>
    </div>
  );
}
