import { createMathNormalizer } from "./normalize-math";
import type { MathPlugins } from "./plugins";
import { remarkPluginsFor } from "./plugins";
import type { SplitState } from "./split-blocks";
import { advance } from "./split-blocks";

export type Splitter = (text: string, final: boolean, math: MathPlugins | undefined) => SplitState;

/** The whole per-message pipeline before rendering: normalise math delimiters, then split, incrementally. */
export function createSplitter(): Splitter {
  const normalize = createMathNormalizer();
  let state: SplitState | undefined;
  return (text, final, math) => {
    state = advance(state, normalize(text), { final, math: !!math, plugins: remarkPluginsFor(math) });
    return state;
  };
}
