import type { Element, Root } from "hast";
import type { VFile } from "vfile";
import { toText } from "hast-util-to-text";
import { SKIP, visitParents } from "unist-util-visit-parents";
import type { TypesetOptions } from "./katex-here";
import { formulaKey, typesetFormula } from "./formulas";

export type Options = TypesetOptions;

/** What a formula shows until the worker has typeset it: its source, muted (display formulas on a line of their own). */
function pending(value: string, displayMode: boolean): Element {
  return {
    type: "element",
    tagName: "span",
    properties: { className: displayMode ? ["katex-pending", "katex-pending-display"] : ["katex-pending"] },
    children: [{ type: "text", value }],
  };
}

/**
 * rehype-katex 7 (same elements, same output), with each formula typeset once (lib/markdown/formulas.ts: cached, and
 * in the browser typeset in a worker): a copy is spliced into the tree, so later plugins and renders never see a
 * shared node. KaTeX itself is not imported here.
 */
export default function rehypeKatexCached(options?: Options | null) {
  const settings = options || {};
  const prefix = JSON.stringify(settings);
  return function (tree: Root, file: VFile) {
    visitParents(tree, "element", (element, parents) => {
      const classes = Array.isArray(element.properties.className) ? element.properties.className : [];
      const languageMath = classes.includes("language-math");
      const mathDisplay = classes.includes("math-display");
      const mathInline = classes.includes("math-inline");
      let displayMode = mathDisplay;
      if (!languageMath && !mathDisplay && !mathInline) return;

      let parent = parents[parents.length - 1];
      let scope: typeof element = element;
      if (
        element.tagName === "code" &&
        languageMath &&
        parent &&
        parent.type === "element" &&
        parent.tagName === "pre"
      ) {
        scope = parent;
        parent = parents[parents.length - 2];
        displayMode = true;
      }
      if (!parent) return;

      const value = toText(scope, { whitespace: "pre" });
      const result = typesetFormula(formulaKey(prefix, displayMode, value), value, displayMode, settings);
      if (result?.error !== undefined) {
        // As rehype-katex reports it (the formula still renders, leniently or as an error span).
        file.message("Could not render math with KaTeX", {
          place: element.position,
          ruleId: "parseerror",
          source: "rehype-katex",
        });
      }
      const index = parent.children.indexOf(scope);
      parent.children.splice(index, 1, ...(result ? structuredClone(result.tree) : [pending(value, displayMode)]));
      return SKIP;
    });
  };
}
