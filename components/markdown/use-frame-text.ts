import { useEffect, useRef, useState } from "react";

// Below 100 ms so text never visibly stalls; well above a frame so a fast stream costs few renders.
const MIN_INTERVAL_MS = 50;
// Wait with a timer until this close to the next update, then take the animation frame: polling every frame instead
// would wake the page (and schedule a rendering frame) 60 times a second for nothing.
const FRAME_MS = 16;

/**
 * While streaming, returns `text` at most once per MIN_INTERVAL_MS, on an animation frame, always
 * the latest value; when not streaming, returns `text` at once so the final text shows immediately.
 */
export function useFrameText(text: string, streaming: boolean): string {
  const [shown, setShown] = useState(text);
  const latest = useRef(text);
  const pending = useRef<{ timer: ReturnType<typeof setTimeout> | null; frame: number | null } | null>(null);
  const lastShown = useRef(-Infinity);

  useEffect(() => {
    latest.current = text;
    if (!streaming || pending.current !== null) return;
    const next: { timer: ReturnType<typeof setTimeout> | null; frame: number | null } = { timer: null, frame: null };
    pending.current = next;
    const onFrame = (now: number) => {
      if (now - lastShown.current < MIN_INTERVAL_MS - 1) {
        next.frame = requestAnimationFrame(onFrame);
        return;
      }
      pending.current = null;
      lastShown.current = now;
      setShown(latest.current);
    };
    const wait = MIN_INTERVAL_MS - (performance.now() - lastShown.current) - FRAME_MS;
    if (wait > 0) {
      next.timer = setTimeout(() => {
        next.timer = null;
        next.frame = requestAnimationFrame(onFrame);
      }, wait);
    } else {
      next.frame = requestAnimationFrame(onFrame);
    }
  }, [text, streaming]);

  useEffect(
    () => () => {
      const current = pending.current;
      if (current?.timer != null) clearTimeout(current.timer);
      if (current?.frame != null) cancelAnimationFrame(current.frame);
    },
    [],
  );

  return streaming ? shown : text;
}
