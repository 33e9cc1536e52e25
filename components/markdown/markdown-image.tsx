"use client";

import { useTranslations } from "next-intl";
import type { ComponentProps } from "react";
import { useState } from "react";
import type { ExtraProps } from "react-markdown";

function hostOf(src: string): string {
  try {
    return new URL(src).host;
  } catch {
    return "";
  }
}

/**
 * Images in model output are not fetched until the reader asks: loading one would reveal the
 * reader's IP address to whoever chose the URL. A button shows the alt text and host instead.
 */
export function MarkdownImage({ src, alt, title }: ComponentProps<"img"> & ExtraProps) {
  const t = useTranslations("markdown");
  const [load, setLoad] = useState(false);
  const url = typeof src === "string" ? src : "";
  // No usable URL (an unsafe one is emptied by the URL transform): the alt text is all there is.
  if (!url) return alt ? <span className="markdown-image-alt">{alt}</span> : null;
  if (load) {
    // A plain <img>: next/image would fetch through our server, and the URL is untrusted.
    // eslint-disable-next-line @next/next/no-img-element
    return <img src={url} alt={alt ?? ""} title={title} referrerPolicy="no-referrer" className="markdown-image" />;
  }
  const host = hostOf(url);
  return (
    <button
      type="button"
      data-slot="image-placeholder"
      className="markdown-image-placeholder"
      title={host ? t("imageFrom", { host }) : undefined}
      onClick={() => setLoad(true)}
    >
      <span className="markdown-image-action">{t("loadImage")}</span>
      <span className="markdown-image-alt">{alt || t("imageNoAlt")}</span>
      {host && <span className="markdown-image-host">{host}</span>}
    </button>
  );
}
