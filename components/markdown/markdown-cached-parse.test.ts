import type { Root } from "mdast";
import remarkParse from "remark-parse";
import type { PluggableList, Processor } from "unified";
import { unified } from "unified";
import { beforeAll, describe, expect, it } from "vitest";
import { chineseReply } from "@/lib/markdown/fixtures/chinese-reply";
import { prefixes, random } from "@/lib/markdown/fixtures/chunks";
import { crossBlockExamples, gfmExamples } from "@/lib/markdown/fixtures/gfm-examples";
import { heal } from "@/lib/markdown/heal";
import { loadMath } from "@/lib/markdown/load-math";
import type { MathPlugins } from "@/lib/markdown/plugins";
import { remarkPluginsFor } from "@/lib/markdown/plugins";
import { cachedParse } from "./cached-parse";

let math: MathPlugins;
beforeAll(async () => {
  math = await loadMath();
});

const fresh = (plugins: PluggableList) => {
  const processor = unified().use(remarkParse).use(plugins).freeze();
  return (doc: string) => JSON.stringify(processor.parse(doc));
};

/** A parser with its own cache, and how often it really parsed (the parser under the cache is counted). */
function cached(plugins: PluggableList) {
  const calls = { count: 0 };
  function count(this: Processor) {
    const self = this as unknown as { parser: (doc: string, file: unknown) => Root };
    const parse = self.parser;
    self.parser = (doc, file) => (calls.count++, parse(doc, file));
  }
  const processor = unified()
    .use(remarkParse)
    .use(count)
    .use([...plugins, cachedParse()])
    .freeze();
  return { parse: (doc: string) => JSON.stringify(processor.parse(doc)), calls };
}

// Pieces of markdown that sit next to Chinese text in a reply, and the ones a growing text node must not swallow.
const PIECES = [
  "中文",
  "说明",
  "。",
  "，",
  "：",
  "（注）",
  "「引」",
  "**",
  "*",
  "_",
  "~~",
  "`",
  "$",
  "$$",
  "x^2",
  " ",
  "  ",
  "\n",
  "\n\n",
  "- ",
  "1. ",
  "> ",
  "# ",
  "| ",
  " | ",
  "|---|---|\n",
  "[链接](https://example.com)",
  "[注]",
  "[注]: https://example.com\n",
  "https://",
  "www.",
  "例子.com",
  "a@b",
  "\\",
  "&amp;",
  "<b>",
  "```\n",
  "    ",
  "5",
  "ab",
];

/** A seeded random document made of PIECES, weighted towards Chinese text. */
function randomDoc(seed: number, length: number): string {
  const next = random(seed);
  let doc = "";
  while (doc.length < length) doc += next() < 0.4 ? "中文内容" : PIECES[Math.floor(next() * PIECES.length)];
  return doc;
}

const documents: Array<[string, string]> = [
  ["a Chinese reply", chineseReply(1).slice(0, 1500)],
  ...Object.entries(gfmExamples).map(([name, text]): [string, string] => [`gfm ${name}`, text]),
  ...Object.entries(crossBlockExamples).map(([name, text]): [string, string] => [`cross-block ${name}`, text]),
  ...Array.from({ length: 40 }, (_, i): [string, string] => [`random ${i}`, randomDoc(i + 1, 300)]),
];

describe("cachedParse", () => {
  it.each(documents)("gives a fresh parse's tree for every prefix of %s, plain and healed", (_name, text) => {
    for (const plugins of [remarkPluginsFor(undefined), remarkPluginsFor(math)]) {
      const expected = fresh(plugins);
      const raw = cached(plugins);
      const healed = cached(plugins);
      for (const prefix of prefixes(text, text.length, 6)) {
        expect(raw.parse(prefix), prefix).toBe(expected(prefix));
        const shown = heal(prefix);
        expect(healed.parse(shown), shown).toBe(expected(shown));
        // Then Chinese text appended to it: taken from the cache where it can be, and still the same tree.
        const more = `${prefix}中文。`;
        expect(raw.parse(more), more).toBe(expected(more));
      }
    }
  });

  it("does not parse again when a paragraph, list item, heading, quote or table cell grows by Chinese text", () => {
    for (const start of [
      "段落**重点**说明",
      "- 第一项\n- 第二",
      "## 标题",
      "> 引用",
      "| 甲 | 乙 |\n| --- | --- |\n| 一 | 二",
    ]) {
      const { parse, calls } = cached(remarkPluginsFor(math));
      const expected = fresh(remarkPluginsFor(math));
      let doc = start;
      parse(doc);
      for (const added of ["中", "文，", "内容。", "（完）"]) {
        doc += added;
        expect(parse(doc), doc).toBe(expected(doc));
      }
      expect(calls.count, start).toBe(1);
    }
  });

  it("parses again when the new text could change the tree", () => {
    for (const [start, added] of [
      ["文字", "*"], // markdown syntax
      ["文字", "a"], // not Chinese
      ["见 www.例子", "中文"], // a GFM autolink literal may run on
      ["**粗体**", "中文"], // ends in a delimiter run, whose flanking depends on what follows
      ["公式 $x", "中文"], // ends in math
      ["- [ ] 事项", "\n"],
    ]) {
      const { parse, calls } = cached(remarkPluginsFor(math));
      parse(start!);
      const doc = start! + added!;
      expect(parse(doc)).toBe(fresh(remarkPluginsFor(math))(doc));
      expect(calls.count, `${start} + ${added}`).toBe(2);
    }
  });
});
