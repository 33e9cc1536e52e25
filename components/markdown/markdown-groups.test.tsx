import { beforeAll, describe, expect, it } from "vitest";
import { chineseReply } from "@/lib/markdown/fixtures/chinese-reply";
import { prefixes } from "@/lib/markdown/fixtures/chunks";
import { loadMath } from "@/lib/markdown/load-math";
import type { MathPlugins } from "@/lib/markdown/plugins";
import { remarkPluginsFor } from "@/lib/markdown/plugins";
import type { SplitState } from "@/lib/markdown/split-blocks";
import { advance } from "@/lib/markdown/split-blocks";
import { GROUP_SIZE, groupBlocks } from "./markdown-blocks";
import { renderOneShot, renderSplit } from "./test-render";

let math: MathPlugins;
let options: { final: boolean; math: boolean; plugins: ReturnType<typeof remarkPluginsFor> };
beforeAll(async () => {
  math = await loadMath();
  options = { final: false, math: true, plugins: remarkPluginsFor(math) };
});

describe("settled blocks in groups", () => {
  it("keeps each full group the same object while the text grows, so React skips it", () => {
    const text = chineseReply(6);
    let split: SplitState | undefined;
    let previous = groupBlocks([]);
    let checked = 0;
    for (const prefix of prefixes(text, 5, 24)) {
      split = advance(split, prefix, options);
      const groups = groupBlocks(split.blocks);
      // Every group but the last is full, and the last one (which holds the tail) is not.
      groups.slice(0, -1).forEach((group) => expect(group.blocks).toHaveLength(GROUP_SIZE));
      expect(groups.at(-1)!.blocks.length).toBeLessThan(GROUP_SIZE);
      expect(groups.flatMap((group) => group.blocks)).toEqual(split.blocks);
      for (const [i, group] of previous.entries()) {
        if (group.blocks.length === GROUP_SIZE) {
          expect(groups[i]).toBe(group);
          checked++;
        }
      }
      previous = groups;
    }
    expect(previous.length).toBeGreaterThan(2);
    expect(checked).toBeGreaterThan(100);
  });

  it("puts a settling tail in the group it was rendered in (same key, same DOM)", () => {
    const text = chineseReply(6);
    let split: SplitState | undefined;
    for (const prefix of prefixes(text, 9, 24)) {
      const before = split;
      split = advance(split, prefix, options);
      if (!before?.tail.source || split.blocks.length === before.blocks.length) continue;
      const tailGroup = groupBlocks(before.blocks).at(-1)!.index;
      const settledAt = split.blocks.findIndex((block) => block.key === before.tail.key);
      expect(settledAt).toBeGreaterThanOrEqual(0);
      expect(Math.floor(settledAt / GROUP_SIZE)).toBe(tailGroup);
    }
  });

  it("renders, grouped, exactly what a one-shot render gives", () => {
    const text = chineseReply(6);
    const split = advance(undefined, text, { ...options, final: true });
    expect(split.blocks.length).toBeGreaterThan(2 * GROUP_SIZE);
    expect(renderSplit(split, math)).toBe(renderOneShot(text, math));
  });
});
