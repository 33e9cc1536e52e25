"use client";

import { useCallback, useEffect, useRef } from "react";

/** Distance from the bottom (px) within which the reader still counts as "following" the reply. */
const FOLLOW_THRESHOLD = 64;

/**
 * Keeps a scroll container pinned to the bottom while its content grows (streaming text),
 * unless the reader has scrolled up to read something earlier.
 */
export function useStickToBottom<Scroller extends HTMLElement, Content extends HTMLElement>() {
  const scrollerRef = useRef<Scroller>(null);
  const contentRef = useRef<Content>(null);
  const followingRef = useRef(true);

  useEffect(() => {
    const scroller = scrollerRef.current;
    const content = contentRef.current;
    if (!scroller || !content) return;
    const onScroll = () => {
      followingRef.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < FOLLOW_THRESHOLD;
    };
    const observer = new ResizeObserver(() => {
      if (followingRef.current) scroller.scrollTop = scroller.scrollHeight;
    });
    scroller.addEventListener("scroll", onScroll, { passive: true });
    observer.observe(content);
    return () => {
      scroller.removeEventListener("scroll", onScroll);
      observer.disconnect();
    };
  }, []);

  /** Sending a message means the reader wants to see the reply, wherever they had scrolled. */
  const follow = useCallback(() => {
    followingRef.current = true;
    const scroller = scrollerRef.current;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }, []);

  return { scrollerRef, contentRef, follow };
}
