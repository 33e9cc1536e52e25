import ReactMarkdown from "react-markdown";
import { heal } from "@/lib/markdown/heal";
import { loadMath, mathPlugins } from "@/lib/markdown/load-math";
import type { MathPlugins } from "@/lib/markdown/plugins";
import { rehypePluginsFor, remarkPluginsFor } from "@/lib/markdown/plugins";
import { safeUrl } from "@/lib/markdown/safe-url";
import { sentencePieces } from "@/lib/markdown/sentence-pieces";
import { createSplitter } from "@/lib/markdown/splitter";
import { markdownComponents } from "./markdown-components";

// The first reply's first tokens would otherwise pay, in one piece on the main thread, for what only happens once:
// compiling the parser, GFM, the CJK rules, healing and the block splitter on first use, downloading the math
// plugins and KaTeX's stylesheet, starting the KaTeX worker (which loads KaTeX) and turning its first HTML into a
// tree. At 4× CPU throttling that held the first visible text back by ~300 ms. Once this module has loaded (it is
// fetched when the page is idle after its first paint, see components/chat/message.tsx), the same work runs here, a
// little at a time while the page is idle, on sample text that touches the syntax a reply uses.

const SAMPLE = [
  "# 标题：流式渲染",
  "这是**“新产品”**正式发布的关键一步，`code` 与 *强调*、~~删除~~ 以及[链接](https://example.com)都在同一段里。" +
    "经过多轮压测之后我们发现，浏览器主线程需要保持流畅。最后一句话。",
  "- 第一项：把已经稳定的段落**冻结**下来。\n- 第二项\n  - 嵌套项\n\n1. 准备数据\n2. 训练模型",
  "> **注意：**引用里的内容。",
  "| 指标 | 方案 A | 说明 |\n| --- | :---: | --- |\n| 延迟 | 1.7 ms | **补充** |",
  "```ts\nconst answer = 42;\n```",
].join("\n\n");

const MATH_SAMPLE =
  "质能方程 $E=mc^2$ 与 $O(n \\log n)$ 的代价。\n\n$$\n\\frac{\\sqrt{\\pi}}{2} = \\sum_{k=1}^{N} t_k\n$$\n";

const KATEX_FONTS = [
  "1em KaTeX_Main",
  "italic 1em KaTeX_Math",
  "bold 1em KaTeX_Main",
  "1em KaTeX_AMS",
  "1em KaTeX_Size1",
  "1em KaTeX_Size2",
];

/** Runs react-markdown's parse and transforms (no React render) on `text`, as a block of a message would. */
function transform(text: string, math: MathPlugins | undefined, streaming: boolean): void {
  ReactMarkdown({
    children: text,
    remarkPlugins: remarkPluginsFor(math),
    rehypePlugins: rehypePluginsFor(math, true, streaming),
    components: markdownComponents,
    urlTransform: safeUrl,
  });
}

/** The streaming path: the splitter, healing and sentence pieces over a text that grows. */
function split(text: string, math: MathPlugins | undefined): void {
  const splitter = createSplitter();
  for (const end of [text.length >> 2, text.length >> 1, text.length]) {
    splitter(text.slice(0, end), false, math);
    heal(text.slice(0, end));
  }
  splitter(text, true, math);
  for (const paragraph of text.split("\n\n")) sentencePieces(paragraph, remarkPluginsFor(math));
}

const idle = (task: () => void) => requestIdleCallback(task, { timeout: 3000 });

let started = false;

/**
 * Warms the renderer up once, in steps that each run when the page is idle. Only where the browser says when it is
 * idle (requestIdleCallback): guessing with timers could land the work on a busy moment, the very thing it avoids.
 */
export function warmUp(): void {
  if (started || typeof window === "undefined" || typeof requestIdleCallback !== "function") return;
  started = true;
  const steps: Array<() => void | Promise<unknown>> = [
    () => split(SAMPLE, undefined),
    () => transform(SAMPLE, undefined, true),
    () => transform(SAMPLE, undefined, false),
    // The math plugins, KaTeX's stylesheet and the worker; the formulas below go to the worker, and its answers
    // are turned into trees as they arrive.
    () => loadMath(),
    // KaTeX's most used fonts, so the first formulas on screen do not lay the message out again when they arrive.
    () => Promise.all(KATEX_FONTS.map((font) => document.fonts?.load(font))),
    () => split(MATH_SAMPLE, mathPlugins()),
    () => transform(MATH_SAMPLE, mathPlugins(), true),
    () => transform(MATH_SAMPLE, mathPlugins(), false),
  ];
  const next = () => {
    const step = steps.shift();
    if (!step) return;
    idle(() => {
      let result: void | Promise<unknown> = undefined;
      try {
        result = step();
      } catch {
        // Warming up is an optimisation only: a failure here shows up (and is handled) in real renders.
      }
      if (result instanceof Promise) void result.then(next, next);
      else next();
    });
  };
  next();
}
