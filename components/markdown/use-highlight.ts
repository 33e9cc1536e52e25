import { useEffect, useState } from "react";
import type { Token } from "@/lib/markdown/highlighter";
import { cachedHighlight, highlight } from "@/lib/markdown/highlighter";

type Result = { code: string; language: string; lines: Token[][] };

/**
 * Highlighted lines for `code`, or undefined while Shiki (or the grammar) loads, for languages we do
 * not highlight, and while `enabled` is false (a block still streaming is highlighted once done).
 */
export function useHighlight(code: string, language: string | null, enabled: boolean): Token[][] | undefined {
  const [result, setResult] = useState<Result | undefined>(undefined);

  useEffect(() => {
    if (!enabled || !language || cachedHighlight(code, language)) return;
    let cancelled = false;
    highlight(code, language).then(
      (lines) => !cancelled && setResult({ code, language, lines }),
      () => undefined, // A grammar that fails to load leaves the block plain.
    );
    return () => {
      cancelled = true;
    };
  }, [code, language, enabled]);

  if (!language) return undefined;
  if (result?.code === code && result.language === language) return result.lines;
  return cachedHighlight(code, language);
}
