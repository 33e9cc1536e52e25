"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useRef } from "react";
import { IconButton } from "@/components/ui/icon-button";
import { ChevronRightIcon, CloseIcon } from "@/components/ui/icons";

export interface LightboxImage {
  url: string;
  name?: string;
}

/**
 * Full-size images on the native modal <dialog>: the page behind is inert, Esc closes, focus returns to
 * the thumbnail that opened it; ←/→ step through the message's images.
 */
export function ImageLightbox({
  images,
  index,
  onIndexChange,
  onClose,
}: {
  images: LightboxImage[];
  index: number | null;
  onIndexChange: (index: number) => void;
  onClose: () => void;
}) {
  const t = useTranslations("attachments");
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const open = index !== null;
  const image = index !== null ? images[index] : undefined;
  const total = images.length;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // showModal() focuses the first button (Previous); Close is the one a reader wants first.
      dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  const step = (delta: number) => {
    if (index === null || total < 2) return;
    onIndexChange((index + delta + total) % total);
  };

  return (
    <dialog
      ref={ref}
      data-testid="lightbox"
      aria-labelledby={titleId}
      onClose={onClose}
      onKeyDown={(event) => {
        if (event.key === "ArrowRight") step(1);
        else if (event.key === "ArrowLeft") step(-1);
      }}
      // The backdrop is the <dialog> itself: a click beside the image closes it.
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      className="m-auto max-h-dvh max-w-[100vw] overflow-visible bg-transparent p-0 text-foreground backdrop:bg-black/80"
    >
      {image && index !== null && (
        <div className="flex max-h-dvh flex-col items-center gap-2 rounded-xl bg-neutral-950 p-3 text-white">
          <div className="flex w-full items-center gap-2 text-sm">
            <h2 id={titleId} className="min-w-0 flex-1 truncate">
              {image.name ? `${image.name} · ` : ""}
              {t("lightboxTitle", { index: index + 1, total })}
            </h2>
            {total > 1 && (
              <>
                <IconButton
                  label={t("previous")}
                  icon={<ChevronRightIcon className="rotate-180" />}
                  side="bottom"
                  className="text-white hover:bg-white/15 hover:text-white"
                  onClick={() => step(-1)}
                />
                <IconButton
                  label={t("next")}
                  icon={<ChevronRightIcon />}
                  side="bottom"
                  className="text-white hover:bg-white/15 hover:text-white"
                  onClick={() => step(1)}
                />
              </>
            )}
            <IconButton
              label={t("close")}
              icon={<CloseIcon />}
              side="bottom"
              align="end"
              data-testid="lightbox-close"
              data-autofocus
              className="text-white hover:bg-white/15 hover:text-white"
              onClick={onClose}
            />
          </div>
          {/* eslint-disable-next-line @next/next/no-img-element -- full size from our own route */}
          <img
            src={image.url}
            alt={image.name ?? t("image", { index: index + 1 })}
            data-testid="lightbox-image"
            className="max-h-[calc(100dvh-5.5rem)] w-auto max-w-[calc(100vw-1.5rem)] rounded-lg object-contain"
          />
        </div>
      )}
    </dialog>
  );
}
