"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/** Writes text to the clipboard; plain-http intranet pages have no async clipboard, so fall back to execCommand. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (window.isSecureContext && navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Denied or unavailable: try the fallback below.
  }
  const active = document.activeElement as HTMLElement | null;
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  area.remove();
  active?.focus();
  return copied;
}

const FEEDBACK_MS = 1500;

/** Which of a message's copy buttons just copied (for a brief check mark), and the copy action itself. */
export function useCopy(): [copied: string | undefined, copy: (key: string, text: string) => void] {
  const [copied, setCopied] = useState<string>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = useCallback((key: string, text: string) => {
    void copyText(text).then((ok) => {
      if (!ok) return;
      setCopied(key);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setCopied(undefined), FEEDBACK_MS);
    });
  }, []);

  return [copied, copy];
}
