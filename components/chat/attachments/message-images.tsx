"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { imageIdFromUrl } from "@/lib/images/limits";
import { ImageLightbox, type LightboxImage } from "./image-lightbox";

/** The images a message carries: file parts pointing at our own /api/images (never a foreign URL). */
export function messageImages(parts: ReadonlyArray<{ type: string }>): LightboxImage[] {
  const images: LightboxImage[] = [];
  for (const part of parts) {
    if (part.type !== "file") continue;
    const { url, mediaType, filename } = part as { url?: unknown; mediaType?: unknown; filename?: unknown };
    if (typeof url !== "string" || !imageIdFromUrl(url)) continue;
    if (typeof mediaType === "string" && !mediaType.startsWith("image/")) continue;
    images.push({ url, ...(typeof filename === "string" && filename ? { name: filename } : {}) });
  }
  return images;
}

/** A sent message's images as thumbnails; each opens full size in a lightbox. */
export function MessageImages({ images }: { images: LightboxImage[] }) {
  const t = useTranslations("attachments");
  const [open, setOpen] = useState<number | null>(null);
  if (images.length === 0) return null;
  return (
    <>
      <ul className="flex max-w-[85%] flex-wrap justify-end gap-2" data-testid="message-images">
        {images.map((image, index) => {
          const name = image.name ?? t("image", { index: index + 1 });
          return (
            <li key={`${image.url}-${index}`}>
              <button
                type="button"
                data-testid="message-image"
                aria-label={t("open", { name })}
                onClick={() => setOpen(index)}
                className="block cursor-zoom-in overflow-hidden rounded-xl border border-border bg-muted transition-opacity hover:opacity-90 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
              >
                {/* eslint-disable-next-line @next/next/no-img-element -- served by our own route, owner-only */}
                <img
                  src={image.url}
                  alt={name}
                  loading="lazy"
                  decoding="async"
                  className="h-28 w-auto max-w-56 min-w-16 object-cover"
                />
              </button>
            </li>
          );
        })}
      </ul>
      <ImageLightbox images={images} index={open} onIndexChange={setOpen} onClose={() => setOpen(null)} />
    </>
  );
}
