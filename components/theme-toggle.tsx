"use client";

import { useTranslations } from "next-intl";
import { IconButton } from "@/components/ui/icon-button";
import { MonitorIcon, MoonIcon, SunIcon } from "@/components/ui/icons";
import { nextTheme } from "@/lib/theme";
import { useTheme } from "./use-theme";

const ICONS = { system: MonitorIcon, light: SunIcon, dark: MoonIcon } as const;

/** One button that cycles system → light → dark; its name says the current theme. */
export function ThemeToggle() {
  const t = useTranslations("theme");
  const [theme, setTheme] = useTheme();
  const Icon = ICONS[theme];
  const next = nextTheme(theme);
  return (
    <IconButton
      data-testid="theme-toggle"
      data-theme={theme}
      size="icon-md"
      side="bottom"
      align="end"
      label={t("label", { current: t(theme) })}
      icon={<Icon />}
      onClick={() => setTheme(next)}
    />
  );
}
