"use client";

import { useTranslations } from "next-intl";
import { ChevronRightIcon } from "@/components/ui/icons";

/** The model's 思考过程, folded away by default: the answer is what most readers want. */
export function Reasoning({ text, streaming }: { text: string; streaming: boolean }) {
  const t = useTranslations("message");
  return (
    <details data-testid="reasoning" className="group mb-3 rounded-xl border border-border bg-muted/60 text-sm">
      <summary className="flex cursor-pointer list-none items-center gap-1.5 rounded-xl px-3 py-2 text-muted-foreground select-none hover:text-foreground focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring [&::-webkit-details-marker]:hidden">
        <ChevronRightIcon className="shrink-0 transition-transform group-open:rotate-90" />
        <span className={streaming ? "animate-pulse" : undefined}>
          {streaming ? t("reasoningStreaming") : t("reasoning")}
        </span>
      </summary>
      <div className="message-text border-t border-border px-3 py-2 whitespace-pre-wrap text-muted-foreground">
        {text}
      </div>
    </details>
  );
}
