import { describe, expect, it } from "vitest";
import { prefixes } from "./fixtures/chunks";
import { createMathNormalizer, normalizeMath } from "./normalize-math";

describe("normalizeMath", () => {
  it.each([
    ["inline \\(a+b\\) here", "inline $a+b$ here"],
    ["spaced \\( a+b \\) here", "spaced $a+b$ here"],
    ["\\[\nx^2\n\\]", "$$\nx^2\n$$"],
    ["\\[ E = mc^2 \\]", "$$\nE = mc^2\n$$"],
    ["mid \\[x\\] line", "mid $$x$$ line"],
    ["1. \\[ a \\]", "1. $$\n   a\n   $$"],
    ["`\\(code\\)` and \\(m\\)", "`\\(code\\)` and $m$"],
    ["escaped \\\\(not math\\\\)", "escaped \\\\(not math\\\\)"],
    ["```\n\\(in fence\\)\n```\n\\(out\\)", "```\n\\(in fence\\)\n```\n$out$"],
    ["lonely \\[ bracket", "lonely \\[ bracket"],
  ])("%j", (input, output) => {
    expect(normalizeMath(input)).toBe(output);
  });

  it("gives the same result incrementally as in one go", () => {
    const text = "a \\(x\\)\n\\[\ny\n\\]\n```\n\\(z\\)\n```\nend \\(w\\)";
    for (const seed of [1, 2, 3]) {
      const normalize = createMathNormalizer();
      let last = "";
      for (const prefix of prefixes(text, seed, 4)) last = normalize(prefix);
      expect(last).toBe(normalizeMath(text));
    }
  });
});
