"use client";

import { useTranslations } from "next-intl";

const EXAMPLES = ["announcement", "translate", "explain", "agenda"] as const;

export function EmptyState({ onPick }: { onPick: (prompt: string) => void }) {
  const t = useTranslations("empty");
  return (
    <section className="flex min-h-[50dvh] flex-col items-center justify-center gap-6 py-8 text-center">
      <div className="space-y-2">
        <h2 className="text-2xl font-semibold tracking-tight">{t("title")}</h2>
        <p className="text-sm text-muted-foreground">{t("subtitle")}</p>
      </div>
      <ul aria-label={t("examplesLabel")} className="grid w-full max-w-xl gap-2 sm:grid-cols-2">
        {EXAMPLES.map((key) => (
          <li key={key}>
            <button
              type="button"
              data-testid="example-prompt"
              onClick={() => onPick(t(`examples.${key}`))}
              className="message-text h-full w-full cursor-pointer rounded-xl border border-border bg-surface px-4 py-3 text-left text-sm text-foreground transition-colors hover:border-primary/40 hover:bg-primary-soft focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
            >
              {t(`examples.${key}`)}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
