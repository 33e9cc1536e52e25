"use client";

import { useEffect, useRef, useState } from "react";

/**
 * Whole seconds spent while `running`, ticking once a second; summed over several runs (a continued
 * reply thinks again). Undefined until the first run starts: a reply loaded already finished has no timing.
 */
export function useElapsedSeconds(running: boolean): number | undefined {
  const doneMs = useRef(0);
  const startedAt = useRef<number | undefined>(undefined);
  const [seconds, setSeconds] = useState<number | undefined>(undefined);

  useEffect(() => {
    if (!running) {
      const start = startedAt.current;
      if (start === undefined) return;
      doneMs.current += Date.now() - start;
      startedAt.current = undefined;
      // A thought that took under a second still reads "1 second", not "0 seconds".
      const total = Math.max(1, Math.round(doneMs.current / 1000));
      const timer = setTimeout(() => setSeconds(total), 0);
      return () => clearTimeout(timer);
    }
    startedAt.current ??= Date.now();
    const start = startedAt.current;
    const tick = () => setSeconds(Math.floor((doneMs.current + Date.now() - start) / 1000));
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [running]);

  return seconds;
}
