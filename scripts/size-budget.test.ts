import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { firstLoadScripts, librariesIn, measure } from "./size-budget";

// What the size budget counts as the first load, how it measures it, and how it spots lazy libraries.

const HTML = `<!DOCTYPE html><html><head>
<link rel="stylesheet" href="/_next/static/chunks/a.css"/>
<link rel="preload" as="script" fetchPriority="low" href="/_next/static/chunks/pre.js"/>
<link rel="modulepreload" href="/_next/static/chunks/mod.js?dpl=x"/>
<link rel="preload" as="font" href="/_next/static/media/font.woff2"/>
<script src="/_next/static/chunks/main.js" async="" nonce="n"></script>
<script src="/_next/static/chunks/polyfills.js" noModule="" nonce="n"></script>
<script nonce="n">(function(){})()</script>
</head><body><script nonce="n">self.__next_f.push([1,"1:I[123,[\\"/_next/static/chunks/client.js\\"],\\"default\\"]"])</script>
<script src="https://elsewhere.example/x.js"></script></body></html>`;

describe("size budget", () => {
  it("takes scripts, script preloads and the chunks named in the flight data; not nomodule, CSS or fonts", () => {
    expect(firstLoadScripts(HTML)).toEqual([
      "/_next/static/chunks/client.js",
      "/_next/static/chunks/main.js",
      "/_next/static/chunks/mod.js",
      "/_next/static/chunks/pre.js",
    ]);
  });

  it("gzips each file from the build, largest first, and refuses a chunk that is not there", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "size-budget-"));
    try {
      mkdirSync(path.join(dir, "chunks"));
      const big = "let a=1;".repeat(5000) + Math.random().toString(36).repeat(200);
      writeFileSync(path.join(dir, "chunks", "big.js"), big);
      writeFileSync(path.join(dir, "chunks", "small.js"), "x");
      const sizes = measure(["/_next/static/chunks/small.js", "/_next/static/chunks/big.js"], dir);
      expect(sizes.map((s) => s.url)).toEqual(["/_next/static/chunks/big.js", "/_next/static/chunks/small.js"]);
      expect(sizes[0]).toMatchObject({ bytes: big.length, gzip: gzipSync(big).length });
      expect(() => measure(["/_next/static/chunks/missing.js"], dir)).toThrow(/not in the build/);
      expect(() => measure(["/_next/static/../../etc/passwd"], dir)).toThrow(/not in the build/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds Shiki and KaTeX by markers that survive minification", () => {
    const found = librariesIn([
      { name: "a.js", text: 'class e extends Error{constructor(t){super(t),this.name="ShikiError"}}' },
      { name: "b.js", text: 'throw new r("KaTeX parse error: "+t)' },
      { name: "c.js", text: "function app(){}" },
    ]);
    expect(Object.fromEntries(found.map((l) => [l.name.split(" ")[0], l.files]))).toEqual({
      Shiki: ["a.js"],
      KaTeX: ["b.js"],
      "rehype-katex": [],
    });
  });
});
