"use client";

import { useEffect, useRef } from "react";

export interface ShortcutHandlers {
  onHelp: () => void;
  onNewChat: () => void;
  onStop: () => void;
}

/** A dialog or popover owns Esc while it is open. */
function overlayOpen(): boolean {
  try {
    return document.querySelector("dialog[open], :popover-open") !== null;
  } catch {
    // Browsers without :popover-open reject the selector.
    return document.querySelector("dialog[open]") !== null;
  }
}

/**
 * Page-wide keys: Ctrl+/ shortcuts help, Ctrl+Shift+O new chat, Esc stop (⌘ on a Mac).
 * Keys a focused control already handled (the composer's Esc, a dialog's Esc, an IME composition) are left alone.
 */
export function useShortcuts(handlers: ShortcutHandlers) {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || event.keyCode === 229) return;
      const mod = event.ctrlKey || event.metaKey;
      if (mod && !event.shiftKey && !event.altKey && (event.key === "/" || event.code === "Slash")) {
        event.preventDefault();
        latest.current.onHelp();
      } else if (mod && event.shiftKey && !event.altKey && event.code === "KeyO") {
        event.preventDefault();
        latest.current.onNewChat();
      } else if (event.key === "Escape" && !mod && !overlayOpen()) {
        latest.current.onStop();
      }
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
}
