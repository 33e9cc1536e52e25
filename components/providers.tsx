"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import { NextIntlClientProvider } from "next-intl";
import type { ComponentProps, ReactNode } from "react";
import { useState } from "react";
import { makeQueryClient } from "@/lib/query/client";
// Before any Zod parse in the browser: no eval under the pages' CSP.
import "@/lib/zod-jitless";

type IntlProps = Pick<ComponentProps<typeof NextIntlClientProvider>, "locale" | "messages" | "timeZone">;

export function Providers({ locale, messages, timeZone, children }: IntlProps & { children: ReactNode }) {
  // One client per mounted app, so server renders never share cached data between requests.
  const [queryClient] = useState(makeQueryClient);
  return (
    <NextIntlClientProvider locale={locale} messages={messages} timeZone={timeZone}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </NextIntlClientProvider>
  );
}
