import { describe, expect, it } from "vitest";
import { heal } from "./heal";

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
