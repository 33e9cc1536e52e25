import type { Locale } from "@/lib/errors";
import type messages from "@/messages/zh-CN.json";

// Typed keys: a misspelt message key fails `tsc`, not a reader's screen.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof messages;
  }
}
