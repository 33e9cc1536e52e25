import { describe, expect, it } from "vitest";
import { heal, healMath } from "./heal";

describe("heal", () => {
  it.each([
    ["Hello **wor", "Hello **wor**"],
    ["| a | b |\n| --", "| a | b |\n| -- | --- |"],
    ["| a | b |\n| :-- |", "| a | b |\n| :-- | --- |"],
    ["intro\n\n| a | b |", "intro\n\n| a | b |\n| --- | --- |"],
    ["intro\n\n| 并发数 | 平均首", "intro\n\n| 并发数 | 平均首\n| --- | --- |"],
    ["intro\n\n| a | b |\n", "intro\n\n| a | b |\n| --- | --- |"],
    ["intro\n\n|", "intro\n\n"],
    ["intro\n\n| ", "intro\n\n"],
    ["| a | b |\n| --- | --- |\n| 1 | 2", "| a | b |\n| --- | --- |\n| 1 | 2"],
    ["look ![cat](https://exa", "look "],
    ["see [the docs](https://exa", "see the docs"],
  ])("%j", (input, output) => {
    expect(heal(input)).toBe(output);
  });
});

describe("healMath", () => {
  it.each([
    ["代价约为 $O(n \\log", true],
    ["代价约为 $O(n \\log n)$ 量级", false],
    ["公式：\n\n$$\n\\sum_{k=1}^{N}", true],
    ["公式：\n\n$$\n\\sum_{k=1}^{N}\n$$\n", false],
    ["**强调 $x", true],
    ["Hello **wor", false],
  ])("%j: the last formula unfinished = %s", (input, unfinished) => {
    expect(healMath(input)).toEqual({ healed: heal(input), unfinishedMath: unfinished });
  });
});
