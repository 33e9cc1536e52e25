"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/** Distance from the bottom (px) within which the reader counts as being at the newest text. */
const FOLLOW_THRESHOLD = 64;

/**
 * Keeps a scroll container pinned to the bottom while its content grows (streaming text),
 * unless the reader scrolls up to read something earlier; `following` says which is the case.
 */
export function useStickToBottom<Scroller extends HTMLElement, Content extends HTMLElement>() {
  const scrollerRef = useRef<Scroller>(null);
  const contentRef = useRef<Content>(null);
  const followingRef = useRef(true);
  // True once the reader has scrolled up and newer text is out of sight: "jump to latest" shows.
  const [away, setAway] = useState(false);

  useEffect(() => {
    const scroller = scrollerRef.current;
    const content = contentRef.current;
    if (!scroller || !content) return;
    let lastTop = scroller.scrollTop;
    const distance = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    const onScroll = () => {
      const top = scroller.scrollTop;
      // Any upward scroll by the reader lets go; content shrinking clamps scrollTop but stays at the bottom.
      if (top < lastTop - 1 && distance() > 2) followingRef.current = false;
      else if (distance() < FOLLOW_THRESHOLD) followingRef.current = true;
      lastTop = top;
      setAway(!followingRef.current && distance() >= FOLLOW_THRESHOLD);
    };
    const observer = new ResizeObserver(() => {
      if (followingRef.current) {
        scroller.scrollTop = scroller.scrollHeight;
        lastTop = scroller.scrollTop;
      } else {
        setAway(distance() >= FOLLOW_THRESHOLD);
      }
    });
    scroller.addEventListener("scroll", onScroll, { passive: true });
    observer.observe(content);
    return () => {
      scroller.removeEventListener("scroll", onScroll);
      observer.disconnect();
    };
  }, []);

  /** Back to the newest text, and follow it again (sending a message, or "jump to latest"). */
  const follow = useCallback((behavior: ScrollBehavior = "instant") => {
    followingRef.current = true;
    setAway(false);
    const scroller = scrollerRef.current;
    scroller?.scrollTo({ top: scroller.scrollHeight, behavior });
  }, []);

  return { scrollerRef, contentRef, away, follow };
}
