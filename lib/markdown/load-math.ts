import { startTypesetter } from "./formulas";
import type { MathPlugins } from "./plugins";

let pending: Promise<MathPlugins> | undefined;
let loaded: MathPlugins | undefined;
const listeners = new Set<() => void>();

/** The math plugins if they have finished loading. */
export function mathPlugins(): MathPlugins | undefined {
  return loaded;
}

/** Calls `listener` once the math plugins have loaded; returns the unsubscribe function. */
export function onMathLoaded(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Loads remark-math (with Pandoc's rule for `$…$`, see remark-math-pandoc.ts), rehype-katex's transform with a
 * per-formula cache, KaTeX's stylesheet and KaTeX itself (in a worker in the browser, see formulas.ts), once, the
 * first time a message contains math; messages without math never download them.
 */
export function loadMath(): Promise<MathPlugins> {
  pending ??= Promise.all([
    import("./remark-math-pandoc"),
    import("./rehype-katex-cached"),
    import("katex/dist/katex.min.css"),
    startTypesetter(),
  ]).then(([{ default: remarkMath }, { default: rehypeKatex }]) => {
    loaded = {
      remark: [remarkMath],
      rehype: [rehypeKatex],
      // A half-typed formula is not an error yet: show its source muted instead of red.
      rehypeStreaming: [[rehypeKatex, { errorColor: "var(--muted-foreground)" }]],
      rehypeUnfinished: [[rehypeKatex, { errorColor: "var(--muted-foreground)", unfinished: true }]],
    };
    for (const listener of listeners) listener();
    return loaded;
  });
  return pending;
}
