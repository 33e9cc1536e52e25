"use client";

import { useTranslations } from "next-intl";
import { useRef } from "react";
import { IconButton } from "@/components/ui/icon-button";
import { ImageIcon } from "@/components/ui/icons";

/**
 * The composer's image button and its file input. When the model cannot read images the button stays
 * focusable (aria-disabled, not disabled) so its tooltip can say which model can.
 */
export function AttachButton({
  onFiles,
  disabledReason,
}: {
  onFiles: (files: File[]) => void;
  /** Why images cannot be attached now (names a vision model); undefined when they can. */
  disabledReason?: string;
}) {
  const t = useTranslations("attachments");
  const inputRef = useRef<HTMLInputElement>(null);
  const disabled = disabledReason !== undefined;
  return (
    <>
      <IconButton
        data-testid="attach-button"
        label={disabledReason ?? t("attach")}
        icon={<ImageIcon />}
        size="icon-md"
        align="start"
        aria-disabled={disabled || undefined}
        className="aria-disabled:cursor-not-allowed aria-disabled:hover:bg-transparent aria-disabled:[&>svg]:opacity-40"
        onClick={() => {
          if (!disabled) inputRef.current?.click();
        }}
      />
      <input
        ref={inputRef}
        type="file"
        accept="image/*"
        multiple
        hidden
        disabled={disabled}
        data-testid="attach-input"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          // Cleared so that picking the same file again still fires a change.
          event.target.value = "";
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
