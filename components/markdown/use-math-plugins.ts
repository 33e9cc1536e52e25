import { useEffect, useSyncExternalStore } from "react";
import { loadMath, mathPlugins, onMathLoaded } from "@/lib/markdown/load-math";
import type { MathPlugins } from "@/lib/markdown/plugins";

const none = () => undefined;

/** The math plugins, once some message has needed them and they have loaded. */
export function useMathPlugins(): MathPlugins | undefined {
  return useSyncExternalStore(onMathLoaded, mathPlugins, none);
}

/** Starts loading the math plugins the first time `needed` is true. */
export function useLoadMath(needed: boolean): void {
  useEffect(() => {
    if (needed) void loadMath();
  }, [needed]);
}
