import type { Root } from "mdast";
import { toString } from "mdast-util-to-string";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { visit } from "unist-util-visit";
import { describe, expect, it } from "vitest";
import remarkMathPandoc from "./remark-math-pandoc";

const processor = unified().use(remarkParse).use(remarkMathPandoc).freeze();

/** The inline formulas of `text` and its text outside them. */
function parse(text: string): { math: string[]; text: string } {
  const tree = processor.parse(text) as Root;
  const math: string[] = [];
  visit(tree, "inlineMath", (node) => void math.push(node.value));
  let plain = "";
  visit(tree, "text", (node) => void (plain += node.value));
  return { math, text: plain };
}

describe("inline math with Pandoc's dollar rule", () => {
  it.each([
    ["$5 and $10", "$5 and $10"],
    ["It costs $5 and $10 later.", "It costs $5 and $10 later."],
    ["价格从$5涨到$10", "价格从$5涨到$10"],
    ["价格从 $5 涨到 $10。", "价格从 $5 涨到 $10。"],
    ["预算 $20,000 到 $30,000 之间", "预算 $20,000 到 $30,000 之间"],
    ["a $ b$ c", "a $ b$ c"],
    ["a $b $ c", "a $b $ c"],
    ["单个美元符号 $ 不是公式", "单个美元符号 $ 不是公式"],
  ])("%j stays text", (input, text) => {
    const result = parse(input);
    expect(result.math).toEqual([]);
    expect(result.text).toBe(text);
  });

  it.each([
    ["$E=mc^2$", ["E=mc^2"]],
    ["质能方程$E=mc^2$成立", ["E=mc^2"]],
    ["其代价约为 $O(n \\log n)$ 量级", ["O(n \\log n)"]],
    ["阈值 $p_{99} < 100\\,\\text{ms}$，", ["p_{99} < 100\\,\\text{ms}"]],
    ["$x$ and $y$", ["x", "y"]],
    // A `$` after a space cannot close, so nothing opens at the first `$`; the second one opens a formula.
    ["$a $b$ c", ["b"]],
    ["费用 $5，公式 $E=mc^2$ 成立", ["E=mc^2"]],
    ["Pay $5 for $x^2$", ["x^2"]],
    // An escaped dollar inside a formula does not end it.
    ["$a\\$b$", ["a\\$b"]],
    // The closing `$` may be followed by a letter or punctuation, just not a digit.
    ["$x$, $y$.", ["x", "y"]],
    // Double dollars keep remark-math's rules.
    ["inline $$ x $$ here", ["x"]],
  ])("%j is math", (input, math) => {
    expect(parse(input).math).toEqual(math);
  });

  it("leaves code spans and display math alone", () => {
    const tree = processor.parse("`$5 and $10`\n\n$$\nx $5\n$$\n") as Root;
    expect(tree.children.map((node) => node.type)).toEqual(["paragraph", "math"]);
    expect(toString(tree.children[0]!)).toBe("$5 and $10");
  });
});
