"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { copyText } from "@/lib/markdown/copy-text";

type CopyState = "idle" | "copied" | "failed";

/** Copies `text`, then says "已复制" (or that it failed) for two seconds. */
export function CopyButton({ text }: { text: string }) {
  const t = useTranslations("markdown");
  const [state, setState] = useState<CopyState>("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  return (
    <button
      type="button"
      data-slot="copy-button"
      className="markdown-copy"
      aria-label={t("copyCode")}
      onClick={() => void copyText(text).then((ok) => setState(ok ? "copied" : "failed"))}
    >
      <span aria-live="polite">
        {state === "copied" ? t("copied") : state === "failed" ? t("copyFailed") : t("copy")}
      </span>
    </button>
  );
}
