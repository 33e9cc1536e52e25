import { useEffect, useRef, useState } from "react";

// Below 100 ms so text never visibly stalls; well above a frame so a fast stream costs few renders.
const MIN_INTERVAL_MS = 50;

/**
 * While streaming, returns `text` at most once per MIN_INTERVAL_MS, on an animation frame, always
 * the latest value; when not streaming, returns `text` at once so the final text shows immediately.
 */
export function useFrameText(text: string, streaming: boolean): string {
  const [shown, setShown] = useState(text);
  const latest = useRef(text);
  const frame = useRef<number | null>(null);
  const lastShown = useRef(0);

  useEffect(() => {
    latest.current = text;
    if (!streaming || frame.current !== null) return;
    const tick = (now: number) => {
      if (now - lastShown.current < MIN_INTERVAL_MS) {
        frame.current = requestAnimationFrame(tick);
        return;
      }
      frame.current = null;
      lastShown.current = now;
      setShown(latest.current);
    };
    frame.current = requestAnimationFrame(tick);
  }, [text, streaming]);

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  return streaming ? shown : text;
}
