import type { Locale } from "@/lib/errors";

// Locales the UI ships, in the order the language switch lists them.
export const locales = ["zh-CN", "en"] as const satisfies readonly Locale[];

export const defaultLocale: Locale = "zh-CN";

/** The cookie the language switch writes and every request reads (no /[locale] segment in URLs). */
export const LOCALE_COOKIE = "NEXT_LOCALE";

/** Each language named in itself, so a reader finds their own language whatever the UI shows. */
export const localeNames: Record<Locale, string> = {
  "zh-CN": "中文",
  en: "English",
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

export function resolveLocale(value: string | undefined): Locale {
  return isLocale(value) ? value : defaultLocale;
}
