import type { Element, ElementContent, Parents, Root } from "hast";
import type { VFile } from "vfile";
import { toText } from "hast-util-to-text";
import { SKIP, visitParents } from "unist-util-visit-parents";
import type { TypesetOptions } from "./katex-here";
import { formulaKey, typesetFormula } from "./formulas";

export type Options = TypesetOptions & {
  /**
   * The text's last formula is still being typed (healing closed it for display): unless it was typeset before, it
   * shows its source, `$` included, and is not sent to the worker, whose answer the next token would make stale.
   */
  unfinished?: boolean;
};

/** What a formula shows until the worker has typeset it: its source, muted (display formulas on a line of their own). */
function pending(value: string, displayMode: boolean, unfinished = false): Element {
  return {
    type: "element",
    tagName: "span",
    properties: { className: displayMode ? ["katex-pending", "katex-pending-display"] : ["katex-pending"] },
    children: [{ type: "text", value: unfinished && !displayMode ? `$${value}` : value }],
  };
}

/**
 * rehype-katex 7 (same elements, same output), with each formula typeset once (lib/markdown/formulas.ts: cached, and
 * in the browser typeset in a worker): a copy is spliced into the tree, so later plugins and renders never see a
 * shared node. KaTeX itself is not imported here.
 */
export default function rehypeKatexCached(options?: Options | null) {
  const { unfinished = false, ...settings } = options || {};
  const prefix = JSON.stringify(settings);
  return function (tree: Root, file: VFile) {
    const found: Array<[Element, Parents[]]> = [];
    visitParents(tree, "element", (element, parents) => {
      const classes = Array.isArray(element.properties.className) ? element.properties.className : [];
      if (!classes.includes("language-math") && !classes.includes("math-display") && !classes.includes("math-inline")) {
        return;
      }
      found.push([element, [...parents]]);
      return SKIP;
    });
    for (const [index, [element, parents]] of found.entries()) {
      const classes = element.properties.className as unknown[];
      let displayMode = classes.includes("math-display");
      let parent = parents[parents.length - 1];
      let scope: typeof element = element;
      if (
        element.tagName === "code" &&
        classes.includes("language-math") &&
        parent &&
        parent.type === "element" &&
        parent.tagName === "pre"
      ) {
        scope = parent;
        parent = parents[parents.length - 2];
        displayMode = true;
      }
      if (!parent) continue;

      const value = toText(scope, { whitespace: "pre" });
      const last = unfinished && index === found.length - 1;
      const key = formulaKey(prefix, displayMode, value);
      const result = typesetFormula(key, value, displayMode, settings, !last);
      if (result?.error !== undefined) {
        // As rehype-katex reports it (the formula still renders, leniently or as an error span).
        file.message("Could not render math with KaTeX", {
          place: element.position,
          ruleId: "parseerror",
          source: "rehype-katex",
        });
      }
      const at = parent.children.indexOf(scope as ElementContent);
      parent.children.splice(at, 1, ...(result ? structuredClone(result.tree) : [pending(value, displayMode, last)]));
    }
  };
}
