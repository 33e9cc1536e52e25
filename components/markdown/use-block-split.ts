import { useMemo, useState } from "react";
import type { MathPlugins } from "@/lib/markdown/plugins";
import type { SplitState } from "@/lib/markdown/split-blocks";
import { createSplitter } from "@/lib/markdown/splitter";

/** Splits a (growing) message into settled blocks and a tail; each update costs only the tail. */
export function useBlockSplit(text: string, final: boolean, math: MathPlugins | undefined): SplitState {
  const [split] = useState(createSplitter);
  return useMemo(() => split(text, final, math), [split, text, final, math]);
}
