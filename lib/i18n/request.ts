import { cookies } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import type { Locale } from "@/lib/errors";
import { LOCALE_COOKIE, resolveLocale } from "./config";

const loaders = {
  "zh-CN": () => import("@/messages/zh-CN.json"),
  en: () => import("@/messages/en.json"),
} satisfies Record<Locale, () => Promise<unknown>>;

export default getRequestConfig(async () => {
  const locale = resolveLocale((await cookies()).get(LOCALE_COOKIE)?.value);
  return {
    locale,
    messages: (await loaders[locale]()).default,
    // Most staff work on China time; one fixed zone keeps server- and browser-formatted dates identical.
    timeZone: "Asia/Shanghai",
  };
});
