import { useEffect, useRef, useState } from "react";

// Below 100 ms so text never visibly stalls; well above a frame so a fast stream costs few renders.
const MIN_INTERVAL_MS = 50;
// Wait with a timer until this close to the next update, then take the animation frame: polling every frame instead
// would wake the page (and schedule a rendering frame) 60 times a second for nothing.
const FRAME_MS = 16;

type Shown = { text: string; at: number };

/**
 * While streaming, returns `text` at most about once per MIN_INTERVAL_MS, always the latest value: text that comes
 * when an update is due is shown in the same render (no second render, no wait for a frame); text that comes sooner
 * is shown on the animation frame once the interval has passed. When not streaming, returns `text` at once so the
 * final text shows immediately.
 */
export function useFrameText(text: string, streaming: boolean): string {
  const [shown, setShown] = useState<Shown>(() => ({ text, at: -Infinity }));
  const latest = useRef(text);
  const pending = useRef<{ timer: ReturnType<typeof setTimeout> | null; frame: number | null } | null>(null);
  const lastShown = useRef(-Infinity);
  const shownText = useRef(text);

  // An update that is due is taken during this render (React renders the component again at once, before
  // committing): the text a parent passes at the stream's pace costs one commit, not two.
  let current = shown;
  if (streaming && text !== shown.text) {
    // eslint-disable-next-line react-hooks/purity -- the clock only decides whether to wait; either way shows `text`
    const now = performance.now();
    if (now - shown.at >= MIN_INTERVAL_MS - 1) {
      current = { text, at: now };
      setShown(current);
    }
  }

  useEffect(() => {
    latest.current = text;
    lastShown.current = current.at;
    shownText.current = current.text;
    if (!streaming || current.text === text || pending.current !== null) return;
    const next: { timer: ReturnType<typeof setTimeout> | null; frame: number | null } = { timer: null, frame: null };
    pending.current = next;
    const onFrame = (now: number) => {
      if (now - lastShown.current < MIN_INTERVAL_MS - 1) {
        next.frame = requestAnimationFrame(onFrame);
        return;
      }
      pending.current = null;
      // A render since may have shown it already.
      if (latest.current !== shownText.current) setShown({ text: latest.current, at: now });
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
  }, [text, streaming, current]);

  useEffect(
    () => () => {
      const p = pending.current;
      if (p?.timer != null) clearTimeout(p.timer);
      if (p?.frame != null) cancelAnimationFrame(p.frame);
    },
    [],
  );

  return streaming ? current.text : text;
}
