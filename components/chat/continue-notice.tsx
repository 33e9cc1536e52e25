"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/components/ui/button";
import { ContinueIcon } from "@/components/ui/icons";
import { useChatState } from "./chat-context";

/** The reply stopped at the max output length: say so, and offer to carry on in the same reply. */
export function ContinueNotice() {
  const t = useTranslations("message");
  const { continueReply, isBusy } = useChatState("continueReply", "isBusy");
  return (
    <div
      data-testid="continue-notice"
      className="flex flex-wrap items-center gap-x-3 gap-y-1.5 text-xs text-muted-foreground"
    >
      <span>{t("truncated")}</span>
      <Button variant="secondary" size="sm" data-testid="continue-button" disabled={isBusy} onClick={continueReply}>
        <ContinueIcon />
        {t("continue")}
      </Button>
    </div>
  );
}
