"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useLocale, useTranslations } from "next-intl";
import { useToast } from "@/components/ui/toast";
import { parseErrorPayload } from "@/lib/errors";
import { adminKeys } from "@/lib/query/admin";

/** Runs an admin change, then refreshes the admin data; a failure is shown with the server's reason. */
export function useAdminAction() {
  const t = useTranslations("admin");
  const locale = useLocale();
  const toast = useToast();
  const queryClient = useQueryClient();
  return async (work: () => Promise<unknown>, done?: string): Promise<boolean> => {
    try {
      await work();
      if (done) toast({ message: done, durationMs: 3000 });
      return true;
    } catch (err) {
      const payload = parseErrorPayload(err instanceof Error ? err.message : String(err));
      toast({ message: t("failed", { message: payload.message[locale] }) });
      return false;
    } finally {
      await queryClient.invalidateQueries({ queryKey: adminKeys.all });
    }
  };
}
