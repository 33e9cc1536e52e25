"use client";

import { useTranslations } from "next-intl";
import type { DragEvent, ReactNode } from "react";
import { useEffect, useRef, useState } from "react";
import { ImageIcon } from "@/components/ui/icons";
import { cn } from "@/lib/utils";
import { dragHasFiles } from "./clipboard-files";

/**
 * Files dragged anywhere over its children show an overlay; dropped, they go to `onFiles` (which decides
 * whether they may be attached). Outside it, a dropped file never makes the browser leave the chat.
 */
export function ImageDropZone({
  onFiles,
  limit,
  disabledMessage,
  className,
  children,
}: {
  onFiles: (files: File[]) => void;
  limit: number;
  /** Shown instead of the hint when images cannot be attached now. */
  disabledMessage?: string;
  className?: string;
  children: ReactNode;
}) {
  const t = useTranslations("attachments");
  const [over, setOver] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them to know when the drag really left.
  const depth = useRef(0);

  useEffect(() => {
    const guard = (event: globalThis.DragEvent) => {
      if (dragHasFiles(event.dataTransfer)) event.preventDefault();
    };
    window.addEventListener("dragover", guard);
    window.addEventListener("drop", guard);
    return () => {
      window.removeEventListener("dragover", guard);
      window.removeEventListener("drop", guard);
    };
  }, []);

  const onDragEnter = (event: DragEvent) => {
    if (!dragHasFiles(event.dataTransfer)) return;
    event.preventDefault();
    depth.current += 1;
    setOver(true);
  };
  const onDragOver = (event: DragEvent) => {
    if (!dragHasFiles(event.dataTransfer)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = disabledMessage ? "none" : "copy";
  };
  const onDragLeave = (event: DragEvent) => {
    if (!dragHasFiles(event.dataTransfer)) return;
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setOver(false);
  };
  const onDrop = (event: DragEvent) => {
    if (!dragHasFiles(event.dataTransfer)) return;
    event.preventDefault();
    depth.current = 0;
    setOver(false);
    const files = [...event.dataTransfer.files];
    if (files.length > 0) onFiles(files);
  };

  return (
    <div
      data-testid="drop-zone"
      className={cn("relative", className)}
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      {children}
      {over && (
        <div
          data-testid="drop-overlay"
          aria-hidden="true"
          className={cn(
            "pointer-events-none absolute inset-2 z-40 flex flex-col items-center justify-center gap-2 rounded-2xl border-2 border-dashed bg-surface/90 p-6 text-center backdrop-blur-sm",
            disabledMessage ? "border-danger/50 text-danger-strong" : "border-primary text-foreground",
          )}
        >
          <ImageIcon width={32} height={32} className={disabledMessage ? "" : "text-primary"} />
          <p className="text-base font-medium">{disabledMessage ?? t("dropTitle")}</p>
          {!disabledMessage && <p className="text-sm text-muted-foreground">{t("dropHint", { limit })}</p>}
        </div>
      )}
    </div>
  );
}
