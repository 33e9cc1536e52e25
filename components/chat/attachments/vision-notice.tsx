"use client";

import { useTranslations } from "next-intl";
import { useId } from "react";
import { Button } from "@/components/ui/button";
import { InfoIcon } from "@/components/ui/icons";

/**
 * Asked when the chosen model cannot read images but the conversation (or the tray) has some:
 * switch back to a vision model, or send on without the images. Never a gateway 400.
 */
export function VisionNotice({
  model,
  visionModel,
  onSwitchBack,
  onSendWithout,
}: {
  model: string;
  visionModel: string | undefined;
  onSwitchBack: () => void;
  onSendWithout: () => void;
}) {
  const t = useTranslations("attachments");
  const titleId = useId();
  return (
    <div
      role="alert"
      aria-labelledby={titleId}
      data-testid="vision-notice"
      className="mb-2 flex flex-col gap-3 rounded-xl border border-warning-border bg-warning-soft px-4 py-3 text-sm text-warning-foreground sm:flex-row sm:items-center"
    >
      <div className="flex flex-1 items-start gap-2">
        <InfoIcon className="mt-0.5 shrink-0" />
        <div className="message-text min-w-0">
          <p id={titleId} className="font-medium">
            {t("visionTitle", { model })}
          </p>
          <p>{visionModel ? t("visionBody", { model, visionModel }) : t("visionBodyNoModel", { model })}</p>
        </div>
      </div>
      <div className="flex shrink-0 gap-2 self-end sm:self-auto">
        {visionModel && (
          <Button size="sm" data-testid="vision-switch-back" onClick={onSwitchBack}>
            {t("switchBack", { visionModel })}
          </Button>
        )}
        <Button size="sm" variant="secondary" data-testid="vision-send-without" onClick={onSendWithout}>
          {t("sendWithout")}
        </Button>
      </div>
    </div>
  );
}
