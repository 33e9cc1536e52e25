import type { Root } from "hast";
import remarkCjkFriendly from "remark-cjk-friendly";
import remarkCjkFriendlyGfmStrikethrough from "remark-cjk-friendly-gfm-strikethrough";
import remarkGfm from "remark-gfm";
import type { PluggableList } from "unified";

/** Syntax every message gets: GFM, and emphasis/strikethrough that work next to CJK punctuation. */
export const baseRemarkPlugins: PluggableList = [remarkGfm, remarkCjkFriendly, remarkCjkFriendlyGfmStrikethrough];

/** Math syntax and rendering, loaded on demand by `load-math.ts`. */
export type MathPlugins = {
  remark: PluggableList;
  rehype: PluggableList;
  rehypeStreaming: PluggableList;
  /** Streaming, when healing closed the text's last formula (see rehype-katex-cached's `unfinished`). */
  rehypeUnfinished: PluggableList;
};

/**
 * A one-shot render separates top-level elements with "\n" text nodes; a block that follows
 * rendered content adds that separator itself, so blocks side by side equal the one-shot DOM.
 */
function rehypeLeadingNewline() {
  return (tree: Root) => {
    if (tree.children.length > 0) tree.children.unshift({ type: "text", value: "\n" });
  };
}

// Stable lists per combination: the block parser is cached per list, and memoised blocks compare them.
const remarkWithMath = new WeakMap<MathPlugins, PluggableList>();
const rehypeLists = new Map<string, PluggableList>();
const rehypeWithMath = new WeakMap<MathPlugins, Map<string, PluggableList>>();

export function remarkPluginsFor(math: MathPlugins | undefined): PluggableList {
  if (!math) return baseRemarkPlugins;
  let list = remarkWithMath.get(math);
  if (!list) remarkWithMath.set(math, (list = [...baseRemarkPlugins, ...math.remark]));
  return list;
}

export function rehypePluginsFor(
  math: MathPlugins | undefined,
  leading: boolean,
  streaming: boolean,
  unfinishedMath = false,
): PluggableList {
  const unfinished = streaming && unfinishedMath;
  const key = `${leading}:${streaming}:${unfinished}`;
  let lists = math ? rehypeWithMath.get(math) : rehypeLists;
  if (!lists) rehypeWithMath.set(math!, (lists = new Map()));
  let list = lists.get(key);
  if (!list) {
    const mathList = math ? (unfinished ? math.rehypeUnfinished : streaming ? math.rehypeStreaming : math.rehype) : [];
    lists.set(key, (list = [...mathList, ...(leading ? [rehypeLeadingNewline] : [])]));
  }
  return list;
}
