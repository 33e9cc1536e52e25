import { beforeAll, describe, expect, it } from "vitest";
import { prefixes } from "@/lib/markdown/fixtures/chunks";
import { loadMath } from "@/lib/markdown/load-math";
import type { MathPlugins } from "@/lib/markdown/plugins";
import { createSplitter } from "@/lib/markdown/splitter";
import { renderOneShot, renderSplit } from "./test-render";

// Prices are not formulas: a single `$` follows Pandoc's rule (lib/markdown/remark-math-pandoc.ts).
let math: MathPlugins;
beforeAll(async () => {
  math = await loadMath();
});

const formulas = (html: string) => (html.match(/class="katex"/g) ?? []).length;
const text = (html: string) => html.replace(/<[^>]+>/g, "");

function streamed(source: string): string {
  const split = createSplitter();
  for (const prefix of prefixes(source, 5)) split(prefix, false, math);
  return renderSplit(split(source, true, math), math);
}

describe("dollar signs in prose", () => {
  it.each([
    ["价格从$5涨到$10。", "价格从$5涨到$10。"],
    ["价格从 $5 涨到 $10，涨幅一倍。", "价格从 $5 涨到 $10，涨幅一倍。"],
    ["The ticket went from $5 and $10 to $15.", "The ticket went from $5 and $10 to $15."],
    ["预算在 $20,000 到 $30,000 之间。", "预算在 $20,000 到 $30,000 之间。"],
  ])("%j shows its prices as text", (source, shown) => {
    const html = renderOneShot(source, math);
    expect(formulas(html)).toBe(0);
    expect(text(html)).toContain(shown);
    expect(streamed(source)).toBe(html);
  });

  it.each([
    ["质能方程 $E=mc^2$ 成立。", 1],
    ["其代价约为$O(n \\log n)$量级，而 $\\sqrt{2}$ 是常数。", 2],
    ["The price rose from $5 to $10, while $E=mc^2$ still holds.", 1],
    ["价格从$5涨到$10，但 $x^2 + y^2 = r^2$ 不变。", 1],
  ])("%j typesets its formulas", (source, count) => {
    const html = renderOneShot(source, math);
    expect(formulas(html)).toBe(count);
    expect(streamed(source)).toBe(html);
  });
});
