import { memo } from "react";
import type { MathPlugins } from "@/lib/markdown/plugins";
import type { SplitState } from "@/lib/markdown/split-blocks";
import { MarkdownBlock } from "./markdown-block";

/** Settled blocks, then the tail; together they render exactly what the whole text renders to. */
// Memoised: parent re-renders between frames (same split object) cost nothing.
export const MarkdownBlocks = memo(function MarkdownBlocks({
  split,
  math,
  streaming,
}: {
  split: SplitState;
  math: MathPlugins | undefined;
  streaming: boolean;
}) {
  let leading = false;
  const blocks = split.blocks.map((block) => {
    const element = (
      <MarkdownBlock
        key={block.key}
        source={block.source}
        // Only a block that can hold a reference needs the definitions (and re-renders when they grow).
        definitions={block.source.includes("]") ? split.definitions : ""}
        leading={leading}
        math={block.math ? math : undefined}
        streaming={false}
      />
    );
    leading ||= !block.empty;
    return element;
  });
  const { tail } = split;
  // The tail shares the blocks' list, so when it settles under the same key React keeps its DOM.
  if (tail.source) {
    blocks.push(
      <MarkdownBlock
        key={tail.key}
        source={tail.source}
        definitions={split.definitions}
        leading={leading}
        math={tail.math ? math : undefined}
        streaming={streaming}
      />,
    );
  }
  return blocks;
});
