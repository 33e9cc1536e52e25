"use client";

import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { GlobeIcon } from "@/components/ui/icons";
import { Button } from "@/components/ui/button";
import { localeNames, locales } from "@/lib/i18n/config";
import { setLocale } from "@/lib/i18n/set-locale";

/** Two languages: one button that offers the other, named in its own language so its readers spot it. */
export function LanguageSwitch() {
  const t = useTranslations("header");
  const locale = useLocale();
  const next = locales.find((candidate) => candidate !== locale) ?? locales[0];
  const [isPending, startTransition] = useTransition();

  return (
    <Button
      variant="ghost"
      size="sm"
      data-testid="language-switch"
      aria-label={`${t("switchLanguage")}: ${localeNames[next]}`}
      title={t("switchLanguage")}
      disabled={isPending}
      onClick={() => startTransition(() => setLocale(next))}
    >
      <GlobeIcon />
      <span lang={next} className="hidden sm:inline">
        {localeNames[next]}
      </span>
    </Button>
  );
}
