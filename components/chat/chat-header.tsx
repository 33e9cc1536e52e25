"use client";

import { useTranslations } from "next-intl";
import { LanguageSwitch } from "@/components/language-switch";
import { ModelSelect } from "./model-select";

export function ChatHeader() {
  const t = useTranslations("app");
  return (
    <header className="border-b border-border bg-surface">
      <div className="mx-auto flex h-14 w-full max-w-3xl items-center gap-2 px-3 sm:px-4">
        <h1 className="shrink-0 text-base font-semibold tracking-tight">{t("name")}</h1>
        <div className="flex min-w-0 flex-1 items-center justify-end gap-1.5 sm:gap-2">
          <ModelSelect />
          <LanguageSwitch />
        </div>
      </div>
    </header>
  );
}
