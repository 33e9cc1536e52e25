import { describe, expect, it } from "vitest";
import { countTokens, type TokenCounter } from "./token-counter";
import { estimateTokens } from "./token-estimate";

const SAMPLES = [
  "我们很高兴地宣布，**新一代协作平台**正式上线。The sync engine is 3x faster; see https://example.com/a_b.",
  "```ts\nconst x = add(1, 2); // 注释\n```\n\n| 模块 | 负责人 |\n| --- | --- |\n| 同步 | 张伟 |",
  "Mixed 文本 with emoji 😀 and 𠮷野家 (a character outside the BMP) and words-with-hyphens.",
];

// A seeded generator, so a failure repeats.
function chunkings(text: string, seed: number): string[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const prefixes: string[] = [];
  for (let end = 0; end < text.length;) {
    end = Math.min(text.length, end + 1 + Math.floor(next() * 6));
    prefixes.push(text.slice(0, end));
  }
  return prefixes;
}

describe("countTokens", () => {
  it("equals a full count at every step while the text grows", () => {
    for (const [i, sample] of SAMPLES.entries()) {
      for (const seed of [1, 7, 42]) {
        let counter: TokenCounter | undefined;
        for (const prefix of chunkings(sample, seed + i)) {
          const result = countTokens(prefix, counter);
          expect(result.tokens).toBe(estimateTokens(prefix));
          counter = result.counter;
        }
      }
    }
  });

  it("starts over when the text was replaced rather than extended", () => {
    const first = countTokens("第一个版本的回答");
    const second = countTokens("完全不同的 text", first.counter);
    expect(second.tokens).toBe(estimateTokens("完全不同的 text"));
  });

  it("counts only the new part of an extended text", () => {
    const long = "很长的回答。".repeat(2000);
    const { counter } = countTokens(long);
    expect(counter.safeEnd).toBe(long.length);
    const next = countTokens(`${long}再来一句`, counter);
    expect(next.counter.safeEnd).toBe(long.length + 4);
    expect(next.tokens).toBe(estimateTokens(`${long}再来一句`));
  });
});
