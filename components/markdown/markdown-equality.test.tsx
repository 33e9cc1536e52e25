import spec from "commonmark-spec";
import { beforeAll, describe, expect, it } from "vitest";
import { chineseReply } from "@/lib/markdown/fixtures/chinese-reply";
import { prefixes } from "@/lib/markdown/fixtures/chunks";
import { crossBlockExamples, gfmExamples } from "@/lib/markdown/fixtures/gfm-examples";
import { loadMath } from "@/lib/markdown/load-math";
import type { MathPlugins } from "@/lib/markdown/plugins";
import { createSplitter } from "@/lib/markdown/splitter";
import { renderOneShot, renderSplit } from "./test-render";

// The spec writes tabs as →.
const commonmark = spec.tests.map((test): [string, string] => [
  `commonmark ${test.number} (${test.section})`,
  test.markdown.replace(/→/g, "\t"),
]);
const corpus: Array<[string, string]> = [
  ...commonmark,
  ...Object.entries(gfmExamples).map(([name, text]): [string, string] => [`gfm ${name}`, text]),
  ...Object.entries(crossBlockExamples).map(([name, text]): [string, string] => [`cross-block ${name}`, text]),
];
const SEEDS = [1, 2, 3];

let math: MathPlugins;
beforeAll(async () => {
  math = await loadMath();
});

/** Streams `text` through the splitter in seeded random chunks; math may load part-way, as in the app. */
function stream(text: string, seed: number) {
  const split = createSplitter();
  const steps = prefixes(text, seed);
  const mathFrom = seed === 1 ? 0 : Math.floor(steps.length / seed);
  steps.forEach((prefix, i) => split(prefix, false, i >= mathFrom ? math : undefined));
  return split(text, true, math);
}

describe("streamed blocks render exactly like a one-shot render", () => {
  it.each(corpus)("%s", (_name, text) => {
    const expected = renderOneShot(text, math);
    for (const seed of SEEDS) expect(renderSplit(stream(text, seed), math), `seed ${seed}`).toBe(expected);
  });

  it("holds for a long Chinese reply in realistic chunks", () => {
    const text = chineseReply(3);
    const expected = renderOneShot(text, math);
    const final = stream(text, 7);
    expect(final.blocks.length).toBeGreaterThan(20);
    expect(renderSplit(final, math)).toBe(expected);
  });
});
