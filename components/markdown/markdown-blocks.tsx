import { memo } from "react";
import type { MathPlugins } from "@/lib/markdown/plugins";
import type { Block, SplitState } from "@/lib/markdown/split-blocks";
import { MarkdownBlock } from "./markdown-block";

/** How many settled blocks share one memoised group. */
export const GROUP_SIZE = 16;

/** A run of settled blocks, and the tail when it belongs to this run (the last group, never full). */
export type BlockGroup = {
  /** The group's index: its key, the same from one split of a growing text to the next. */
  index: number;
  blocks: readonly Block[];
  /** Whether any block can hold a link reference (and so needs the message's definitions). */
  references: boolean;
  /** Whether rendered content comes before the group. */
  leading: boolean;
};

// A full group never changes (settled blocks are never parsed again): the same object for the same blocks, so the
// memoised group is skipped without React looking at its blocks.
const fullGroups = new WeakMap<Block, Map<boolean, BlockGroup>>();

const hasReferences = (blocks: readonly Block[]) => blocks.some((block) => block.source.includes("]"));

/**
 * The settled blocks in groups of GROUP_SIZE; the last group is the one that is not full (it may be empty) and also
 * holds the tail, so a tail that settles stays in the same group under the same key (React keeps its DOM).
 */
export function groupBlocks(blocks: readonly Block[]): BlockGroup[] {
  const groups: BlockGroup[] = [];
  let leading = false;
  for (let index = 0; index * GROUP_SIZE <= blocks.length; index++) {
    const start = index * GROUP_SIZE;
    const end = Math.min(blocks.length, start + GROUP_SIZE);
    let group: BlockGroup | undefined;
    if (end - start === GROUP_SIZE) {
      const first = blocks[start]!;
      let byLeading = fullGroups.get(first);
      if (!byLeading) fullGroups.set(first, (byLeading = new Map()));
      group = byLeading.get(leading);
      // Keyed by the first block: a later split's group of the same blocks is the same object.
      if (!group || group.blocks.some((block, i) => block !== blocks[start + i])) {
        const members = blocks.slice(start, end);
        group = { index, blocks: members, references: hasReferences(members), leading };
        byLeading.set(leading, group);
      }
    } else {
      const members = blocks.slice(start, end);
      group = { index, blocks: members, references: hasReferences(members), leading };
    }
    groups.push(group);
    leading ||= group.blocks.some((block) => !block.empty);
  }
  return groups;
}

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
  const groups = groupBlocks(split.blocks);
  return groups.map((group, i) => {
    const last = i === groups.length - 1;
    // Groups render no element of their own: the blocks stay siblings, as in a one-shot render.
    return (
      <MarkdownGroup
        key={group.index}
        group={group}
        definitions={group.references || last ? split.definitions : ""}
        math={math}
        tail={last && split.tail.source ? split.tail : null}
        streaming={last && streaming}
      />
    );
  });
});

/** One group of blocks; a full group renders once (or when the definitions or math plugins change). */
const MarkdownGroup = memo(function MarkdownGroup({
  group,
  definitions,
  math,
  tail,
  streaming,
}: {
  group: BlockGroup;
  definitions: string;
  math: MathPlugins | undefined;
  tail: Block | null;
  streaming: boolean;
}) {
  let leading = group.leading;
  const blocks = group.blocks.map((block) => {
    const element = (
      <MarkdownBlock
        key={block.key}
        source={block.source}
        // Only a block that can hold a reference needs the definitions (and re-renders when they grow).
        definitions={block.source.includes("]") ? definitions : ""}
        leading={leading}
        math={block.math ? math : undefined}
        streaming={false}
      />
    );
    leading ||= !block.empty;
    return element;
  });
  // The tail shares the blocks' list, so when it settles under the same key React keeps its DOM.
  if (tail) {
    blocks.push(
      <MarkdownBlock
        key={tail.key}
        source={tail.source}
        definitions={definitions}
        leading={leading}
        math={tail.math ? math : undefined}
        streaming={streaming}
      />,
    );
  }
  return blocks;
});
