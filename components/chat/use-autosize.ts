"use client";

import type { RefObject } from "react";
import { useLayoutEffect } from "react";

/** Grows a textarea with its text (CSS max-height caps it); `field-sizing` is not in every browser yet. */
export function useAutosize(ref: RefObject<HTMLTextAreaElement | null>, value: string) {
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.style.height = "auto";
    element.style.height = `${element.scrollHeight}px`;
  }, [ref, value]);
}
