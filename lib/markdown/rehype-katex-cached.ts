import type { ElementContent, Root } from "hast";
import { fromHtmlIsomorphic } from "hast-util-from-html-isomorphic";
import { toText } from "hast-util-to-text";
import type { KatexOptions } from "katex";
import katex from "katex";
import { SKIP, visitParents } from "unist-util-visit-parents";
import type { VFile } from "vfile";

export type Options = Omit<KatexOptions, "displayMode" | "throwOnError">;

// Typeset formulas by mode, options and source. The streaming tail is parsed again every frame; without this each
// of its formulas would be typeset and its HTML parsed back into a tree every time.
const cache = new Map<string, ElementContent[]>();
const CACHE_SIZE = 1000;

function typeset(value: string, displayMode: boolean, settings: Options, file: VFile, place: unknown) {
  let result: ElementContent[] | string;
  try {
    result = katex.renderToString(value, { ...settings, displayMode, throwOnError: true });
  } catch (error) {
    const cause = error as Error;
    file.message("Could not render math with KaTeX", {
      cause,
      place: place as never,
      ruleId: cause.name.toLowerCase(),
      source: "rehype-katex",
    });
    try {
      result = katex.renderToString(value, { ...settings, displayMode, strict: "ignore", throwOnError: false });
    } catch {
      result = [
        {
          type: "element",
          tagName: "span",
          properties: {
            className: ["katex-error"],
            style: "color:" + (settings.errorColor || "#cc0000"),
            title: String(error),
          },
          children: [{ type: "text", value }],
        },
      ];
    }
  }
  if (typeof result === "string") result = fromHtmlIsomorphic(result, { fragment: true }).children as ElementContent[];
  return result;
}

/**
 * rehype-katex 7 (same elements, same output), with each formula's typeset tree cached: a copy is spliced into the
 * tree, so later plugins and renders never see a shared node.
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
      const key = `${prefix}\u0000${displayMode}\u0000${value}`;
      let result = cache.get(key);
      if (result) {
        cache.delete(key);
      } else {
        result = typeset(value, displayMode, settings, file, element.position);
        if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(key, result);

      const index = parent.children.indexOf(scope);
      parent.children.splice(index, 1, ...structuredClone(result));
      return SKIP;
    });
  };
}
