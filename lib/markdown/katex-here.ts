import type { KatexOptions } from "katex";
import katex from "katex";

export type TypesetOptions = Omit<KatexOptions, "displayMode" | "throwOnError">;

/**
 * KaTeX's HTML for a formula (absent when even KaTeX's lenient mode cannot render it), and why the strict render
 * refused it, if it did.
 */
export type Typeset = { html?: string; error?: string };

/**
 * Typesets one formula as rehype-katex 7 does: strictly first; a formula KaTeX refuses is rendered again leniently
 * (its error shown in place by KaTeX), and one that still fails becomes an error span (built by the caller).
 */
export function typesetHere(value: string, displayMode: boolean, settings: TypesetOptions): Typeset {
  try {
    return { html: katex.renderToString(value, { ...settings, displayMode, throwOnError: true }) };
  } catch (error) {
    try {
      return {
        html: katex.renderToString(value, { ...settings, displayMode, strict: "ignore", throwOnError: false }),
        error: String(error),
      };
    } catch {
      return { error: String(error) };
    }
  }
}
