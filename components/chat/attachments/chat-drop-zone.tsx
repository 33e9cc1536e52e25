"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { DEFAULT_IMAGE_SETTINGS } from "@/lib/images/limits";
import { useChatState } from "../chat-context";
import { useModels } from "../use-models";
import { ImageDropZone } from "./drop-zone";
import { visionModelFor } from "./vision-model";

/** The drop zone over the whole chat, saying up front when the chosen model cannot take images. */
export function ChatDropZone({
  onFiles,
  className,
  children,
}: {
  onFiles: (files: File[]) => void;
  className?: string;
  children: ReactNode;
}) {
  const t = useTranslations("attachments");
  // Only the model: the drop zone wraps the whole chat and need not render again for each streamed token.
  const { modelInfo } = useChatState("modelInfo");
  const { data: catalog } = useModels();
  const visionModel = visionModelFor(catalog);
  const disabledMessage =
    modelInfo && !modelInfo.vision
      ? visionModel
        ? t("dropDisabled", { model: modelInfo.id, visionModel })
        : t("noVisionModel", { model: modelInfo.id })
      : undefined;
  return (
    <ImageDropZone
      onFiles={onFiles}
      limit={catalog?.images.maxPerMessage ?? DEFAULT_IMAGE_SETTINGS.maxPerMessage}
      disabledMessage={disabledMessage}
      className={className}
    >
      {children}
    </ImageDropZone>
  );
}
