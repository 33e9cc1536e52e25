// @vitest-environment happy-dom
import { act } from "react";
import type * as ReactMarkdownModule from "react-markdown";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { chineseReply } from "@/lib/markdown/fixtures/chinese-reply";
import { prefixes } from "@/lib/markdown/fixtures/chunks";
import { heal } from "@/lib/markdown/heal";
import { remarkPluginsFor } from "@/lib/markdown/plugins";
import { finishedList, listItems } from "@/lib/markdown/list-items";
import { isPlainParagraph, sentencePieces } from "@/lib/markdown/sentence-pieces";
import { loadMath, mathPlugins } from "@/lib/markdown/load-math";
import { mount, waitUntil } from "./dom-test-utils";
import { Markdown } from "./markdown";
import { openCodeFence } from "./markdown-block";
import { OneShot } from "./test-render";

// Count react-markdown renders: settled blocks must not be rendered again as the text grows.
const renders = vi.hoisted(() => ({ count: 0 }));
vi.mock("react-markdown", async (original) => {
  const actual = await original<typeof ReactMarkdownModule>();
  return {
    ...actual,
    default: (props: Parameters<typeof actual.default>[0]) => (renders.count++, actual.default(props)),
  };
});

beforeAll(async () => {
  await loadMath();
});
afterEach(() => {
  vi.useRealTimers();
});

const highlighted = (root: Element) =>
  [...root.querySelectorAll("pre code[class]")].every((code) => code.querySelector("span[style]"));

describe("streaming <Markdown>", () => {
  it("ends with the one-shot DOM, keeping settled blocks' nodes and rendering each block once", async () => {
    const text = chineseReply(2);
    const steps = prefixes(text, 11, 24);
    vi.useFakeTimers({ toFake: ["requestAnimationFrame", "cancelAnimationFrame", "performance"] });
    const { container, render } = mount(<Markdown text={steps[0]!} streaming />);
    let firstHeading: Element | null = null;
    renders.count = 0;
    for (const prefix of steps) {
      render(<Markdown text={prefix} streaming />);
      act(() => vi.advanceTimersByTime(60));
      firstHeading ??= container.querySelector("h1");
    }
    const streamingRenders = renders.count;
    render(<Markdown text={text} streaming={false} />);
    vi.useRealTimers();

    const blocks = container.querySelectorAll(".markdown > *").length;
    // One tail render per frame, plus each block once when it settles: nothing proportional to steps × blocks.
    expect(streamingRenders).toBeLessThanOrEqual(steps.length + blocks);
    expect(container.querySelector("h1")).toBe(firstHeading);

    const reference = mount(
      <div data-slot="markdown" className="markdown message-text">
        <OneShot text={text} math={await loadMath()} />
      </div>,
    );
    await waitUntil(() => highlighted(container) && highlighted(reference.container));
    expect(container.innerHTML).toBe(reference.container.innerHTML);
  });
});

/** Text a reader sees for a half-received message. */
function visibleText(text: string): { text: string; html: string } {
  const { container, root } = mount(<Markdown text={text} streaming />);
  const result = { text: container.textContent ?? "", html: container.innerHTML };
  act(() => root.unmount());
  return result;
}

describe("healing while streaming", () => {
  it.each([
    ["Hello **wor", "<strong>wor</strong>", "**"],
    ["将在**下周一", "<strong>下周一</strong>", "**"],
    ["a ~~stri", "<del>stri</del>", "~~"],
    ["run `npm i", "<code>npm i</code>", "`"],
    ["see [the docs](https://exa", "the docs", "]("],
    ["see [the do", "the do", "["],
    ["```js\nconst a = 1", "const a = 1", "```"],
    ["| a | b |\n| --", "<th>a</th>", "|"],
    ["intro\n\n| a | b |", "intro", "|"],
    ["$$\nx^2 +", 'class="katex-display"', "$$"],
    ["look ![cat](https://exa", "look", "!["],
  ])("%j shows no raw markers", (input, shows, marker) => {
    const { text, html } = visibleText(input);
    expect(html).toContain(shows);
    expect(text).not.toContain(marker);
  });

  it("does not turn a paragraph into a heading while a list marker arrives", () => {
    expect(visibleText("text\n-").html).not.toContain("<h2");
  });
});

describe("CJK and math", () => {
  it("bolds emphasis next to CJK punctuation", () => {
    expect(visibleText("这是**“新产品”**正式发布。").html).toContain("<strong>“新产品”</strong>");
  });

  it("renders \\( \\) and \\[ \\] as math", () => {
    const { html } = visibleText("行内 \\(a^2+b^2\\) 与\n\n\\[ c^2 \\]\n\n`\\(code\\)`\n");
    expect(html).toContain('<span class="katex">');
    expect(html).toContain('class="katex-display"');
    expect(html).toContain("<code>\\(code\\)</code>");
  });
});

describe("a long paragraph while it streams", () => {
  // Finished sentences are rendered on their own (sentencePieces); the paragraph must look exactly as one render.
  const paragraph =
    "**重要提示：**流式渲染器需要在每次更新时把已经稳定的段落冻结下来，其代价约为 $O(n^2)$ 量级。" +
    "经过多轮压测之后我们发现，浏览器主线程在真实流量下会在回复结束后立即给出最终排版，这一点尤为明显！" +
    "与直觉相反，`code` 与 *强调* 以及 ~~删除~~ 都应当在句子里保持原样；如果把视角放到整个系统，" +
    "限流组件配合分块提交可以让输入框保持流畅，其代价约为 $\\sum_{i=1}^{n} t_i$ 量级。最后一句**未闭合的强调";

  it("is cut into sentences", () => {
    expect(sentencePieces(paragraph, remarkPluginsFor(mathPlugins()))?.pieces.length).toBe(4);
  });

  it.each(prefixes(paragraph, 7, 9).filter((_, i) => i % 3 === 0))("%j renders as one paragraph would", (text) => {
    // A half-typed formula is muted while streaming, red in the (final) reference render.
    const streamed = visibleText(text).html.replaceAll("var(--muted-foreground)", "#cc0000");
    const { container, root } = mount(<OneShot text={heal(text)} math={mathPlugins()} />);
    const whole = `<div data-slot="markdown" class="markdown message-text">${container.innerHTML}</div>`;
    act(() => root.unmount());
    expect(streamed).toBe(whole);
  });
});

describe("a block that settles", () => {
  // Streams `before`, then `after` (which settles the first block), and returns what the first block's element was
  // before and after, how often react-markdown rendered for the second update, and whether the end is one-shot.
  function settle(before: string, after: string, selector: string) {
    vi.useFakeTimers({ toFake: ["requestAnimationFrame", "cancelAnimationFrame", "performance"] });
    const { container, render } = mount(<Markdown text={before} streaming />);
    act(() => vi.advanceTimersByTime(60));
    const element = container.querySelector(selector);
    renders.count = 0;
    render(<Markdown text={after} streaming />);
    act(() => vi.advanceTimersByTime(60));
    const settledRenders = renders.count;
    const kept = container.querySelector(selector);
    render(<Markdown text={after} streaming={false} />);
    vi.useRealTimers();
    const reference = mount(
      <div data-slot="markdown" className="markdown message-text">
        <OneShot text={after} math={mathPlugins()} />
      </div>,
    );
    return { element, kept, settledRenders, html: container.innerHTML, oneShot: reference.container.innerHTML };
  }

  it("keeps a long paragraph's sentences: nothing is parsed again when its last sentence is plain", () => {
    const paragraph =
      "**重要提示：**流式渲染器需要在每次更新时把已经稳定的段落冻结下来，其代价约为 $O(n^2)$ 量级。" +
      "经过多轮压测之后我们发现，浏览器主线程在真实流量下会在回复结束后立即给出最终排版。最后一句已经写完。";
    const result = settle(paragraph, `${paragraph}\n\n下一段正在输入\n`, "p strong");
    expect(result.element).not.toBeNull();
    expect(result.kept).toBe(result.element);
    expect(result.settledRenders).toBe(0);
    expect(result.html).toBe(result.oneShot);
  });

  it("keeps a tight list's items: only the last item renders again", () => {
    const list = "- 第一项：把已经稳定的段落**冻结**下来。\n- 第二项：`useMemo` 与 $O(n^2)$ 量级。\n- 第三项 **强调**";
    const result = settle(list, `${list}\n\n下一段正在输入\n`, "li strong");
    expect(result.element).not.toBeNull();
    expect(result.kept).toBe(result.element);
    expect(result.settledRenders).toBe(1);
    expect(result.html).toBe(result.oneShot);
  });
});

describe("what streams without a parse", () => {
  // Plain paragraphs and open code fences are drawn directly while they stream; each must look exactly like the
  // healed text's render, at every length.
  const healedRender = (text: string) => {
    const { container, root } = mount(<OneShot text={heal(text)} math={mathPlugins()} />);
    const html = `<div data-slot="markdown" class="markdown message-text">${container.innerHTML}</div>`;
    act(() => root.unmount());
    return html;
  };

  it.each([
    ...prefixes("浏览器主线程在真实流量下会保证首个字符尽快出现在屏幕上 2024 年，让用户感知到系统正在响应。", 3, 9),
    ...prefixes("## 标题\n\n第一段文字。\n\n第二段正在输入的文字 ", 5, 6),
    ...prefixes("介绍\n\n```ts\nconst a = 1;\n\nfunction f() {\n  return a;\n}\n", 4, 6),
    ...prefixes("~~~~\n纯文本代码\n~~~\n仍在代码里\n", 6, 5),
    "```js\n",
    "```js\nconst a = 1;\n``",
  ])("%j", (text) => {
    expect(visibleText(text).html).toBe(healedRender(text));
  });

  it("leaves a closed fence, a math fence and an indented one to the parser", () => {
    expect(openCodeFence("```js\na\n```\n")).toBeNull();
    expect(openCodeFence("```math\nx^2\n")).toBeNull();
    expect(openCodeFence("  ```js\na\n")).toBeNull();
    expect(openCodeFence("```js\na\n")).not.toBeNull();
  });

  it("knows plain text from text with syntax", () => {
    expect(isPlainParagraph("纯文本，数字 42 与 English words。\n")).toBe(true);
    for (const text of [
      "有**粗体",
      "有 `代码",
      "链接 [a",
      "公式 $x",
      "网址 www.example.com",
      "a@b.c",
      "1. 列表",
      "&amp;",
    ]) {
      expect(isPlainParagraph(text), text).toBe(false);
    }
  });
});

describe("a list while it streams", () => {
  // Finished items are rendered on their own (listItems): the list must look exactly as the text renders with only
  // its last item healed (a finished item is final: healing the whole text could pair its `*` with a later line's).
  const render = (text: string) => {
    const { container, root } = mount(<OneShot text={text} math={mathPlugins()} />);
    const html = `<div data-slot="markdown" class="markdown message-text">${container.innerHTML}</div>`;
    act(() => root.unmount());
    return html;
  };
  const expected = (text: string, listStart: number) => {
    const list = text.length > listStart ? listItems(text.slice(listStart)) : null;
    return list ? render(text.slice(0, text.length - list.rest.length) + heal(list.rest)) : render(heal(text));
  };
  const lists = [
    "- 缓存失效策略：把已经稳定的段落**冻结**下来。\n- 长连接管理器：`useMemo` 与 $O(n^2)$ 量级。\n  - 嵌套：[链接](https://a.example) 与 ~~删除~~。\n  - 第二个嵌套\n- 最后一项 **未闭合",
    "## 标题\n\n1. 限流组件：把已经稳定的段落冻结下来。\n2. 虚拟滚动列表：重新解析整段文本，\n   继续同一项。\n3. 第三项 $x^2",
    "介绍\n\n8) 从八开始\n9) 九\n10) 十，*强调\n11) ",
    "* 星号\n* 第二项\n* * *\n* 之后\n",
    "- a\n-\n- b\n\n- 松散\n",
    "1. 前端状态管理：保持在预算之内。\n2. 语法高亮模块：**流畅**。\n   - 嵌套 `startTransition`。\n\n下表汇总了本节**所有 $x",
  ];

  it("is cut into items", () => {
    expect(listItems(lists[0]!)).toMatchObject({ ordered: false, items: [expect.any(String), expect.any(String)] });
    expect(listItems("3. a\n4. b\n5. c")).toEqual({
      ordered: true,
      start: 3,
      items: ["3. a\n", "4. b\n"],
      rest: "5. c",
    });
    expect(finishedList("- a\n- b\n\n下表")).toEqual({
      ordered: false,
      start: 0,
      items: ["- a\n", "- b\n"],
      rest: "",
      after: "\n下表",
    });
    expect(finishedList("- a\n- b\n\n- c")).toBeNull();
    expect(finishedList("- a\n- b\n\n  下表")).toBeNull();
    for (const text of ["- a\n\n- b", "- a\n+ b", "- [ ] a\n- b", "- a\nb\n- c", "- a\n- b\t", "- a\n- ```"]) {
      expect(listItems(text), text).toBeNull();
    }
  });

  it.each(
    lists.flatMap((list, i) =>
      prefixes(list, i + 1, 7).map((text): [string, number] => [text, list.search(/^[-*+\d]/m)]),
    ),
  )("%j", (text, listStart) => {
    // A half-typed formula is muted while streaming, red in the (final) reference render.
    const streamed = visibleText(text).html.replaceAll("var(--muted-foreground)", "#cc0000");
    expect(streamed).toBe(expected(text, listStart));
  });
});
