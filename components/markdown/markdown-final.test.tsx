import { describe, expect, it } from "vitest";
import { chineseReply } from "@/lib/markdown/fixtures/chinese-reply";
import { prefixes } from "@/lib/markdown/fixtures/chunks";
import { loadMath } from "@/lib/markdown/load-math";
import type { MathPlugins } from "@/lib/markdown/plugins";
import { remarkPluginsFor } from "@/lib/markdown/plugins";
import type { SplitState } from "@/lib/markdown/split-blocks";
import { advance } from "@/lib/markdown/split-blocks";
import { renderOneShot, renderSplit } from "./test-render";

const options = (final: boolean, math: MathPlugins) => ({ final, plugins: remarkPluginsFor(math), math: true });

describe("a final split whose text grows again", () => {
  // The stream's end can reach the screen in two renders: the reply marked done with the text of the update before,
  // then the last text. The second must not split (and render) the whole reply again.
  it("goes on from the streaming split it was made from, and renders as one-shot, at every cut", async () => {
    const math = await loadMath();
    const text = chineseReply(2);
    const steps = prefixes(text, 7, 40);
    const oneShot = renderOneShot(text, math);
    let streaming: SplitState | undefined;
    for (const [i, prefix] of steps.entries()) {
      streaming = advance(streaming, prefix, options(false, math));
      if (i % 4 !== 0) continue;
      const stale = advance(streaming, prefix, options(true, math));
      const last = advance(stale, text, options(true, math));
      expect(last.blocks.map((b) => b.source).join("") + last.tail.source).toBe(text);
      expect(renderSplit(last, math)).toBe(oneShot);
      // Blocks settled while streaming are the same objects (memoised blocks are not rendered again).
      for (const [j, block] of streaming.blocks.entries()) expect(last.blocks[j]).toBe(block);
    }
  });

  it("streams on from there too (Continue), and ends as one-shot", async () => {
    const math = await loadMath();
    const text = chineseReply(2);
    const half = text.slice(0, Math.floor(text.length / 2));
    let state = advance(advance(undefined, half, options(false, math)), half, options(true, math));
    const settled = state.blocks.filter((b) => b.key < (state.base?.settledText.length ?? 0));
    expect(settled.length).toBeGreaterThan(0);
    for (const prefix of prefixes(text, 3, 60).filter((p) => p.length > half.length)) {
      state = advance(state, prefix, options(false, math));
    }
    state = advance(state, text, options(true, math));
    expect(renderSplit(state, math)).toBe(renderOneShot(text, math));
    for (const [j, block] of settled.entries()) expect(state.blocks[j]).toBe(block);
  });
});

describe("math plugins that load part-way through a stream", () => {
  it("keep the blocks settled before them (the same objects) and end as one-shot", async () => {
    const math = await loadMath();
    const text = chineseReply(2);
    const steps = prefixes(text, 5, 40);
    const half = Math.floor(steps.length / 2);
    let state: SplitState | undefined;
    for (const prefix of steps.slice(0, half)) state = advance(state, prefix, { ...options(false, math), math: false });
    const before = state!.blocks;
    expect(before.length).toBeGreaterThan(0);
    for (const prefix of steps.slice(half)) state = advance(state, prefix, options(false, math));
    state = advance(state, text, options(true, math));
    for (const [j, block] of before.entries()) expect(state.blocks[j]).toBe(block);
    expect(renderSplit(state, math)).toBe(renderOneShot(text, math));
  });
});

describe("settled paragraphs rendered without a parse", () => {
  it.each([
    "中文段落结尾有全角空格\u3000\n\n下一段",
    "中文段落结尾有不换行空格\u00a0  \n\n下一段",
    "**粗体**开头的一段话，足够长的句子需要超过八十个字符才能被切分成句子片段。这是第二句，也足够长了吧。还有第三句话。结尾全角空格\u3000\n\n下一段",
  ])("%j keeps what a parse keeps (only spaces and tabs end a paragraph)", async (text) => {
    const math = await loadMath();
    const split = advance(undefined, text, options(true, math));
    expect(renderSplit(split, math)).toBe(renderOneShot(text, math));
  });
});
