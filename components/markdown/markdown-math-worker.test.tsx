// @vitest-environment happy-dom
import { act } from "react";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { typesetHere } from "@/lib/markdown/katex-here";
import { mount, waitUntil } from "./dom-test-utils";

// The browser path: KaTeX in a module worker. A stand-in worker answers each request with KaTeX's own output when
// the test releases it, so the page's state before and after can be checked.
type Message = { id: number; value: string; displayMode: boolean; settings: object };
const workers = vi.hoisted(() => ({
  created: 0,
  requests: [] as string[],
  held: [] as Array<() => void>,
  fail: false,
}));

class FakeWorker {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor() {
    workers.created++;
    if (workers.fail) setTimeout(() => this.onerror?.({}), 0);
  }
  postMessage(data: Message) {
    workers.requests.push(data.value);
    if (workers.fail) return;
    workers.held.push(() =>
      this.onmessage?.({ data: { id: data.id, ...typesetHere(data.value, data.displayMode, data.settings) } }),
    );
  }
}

const release = () =>
  act(() => {
    for (const answer of workers.held.splice(0)) answer();
  });

beforeAll(() => {
  vi.stubGlobal("Worker", FakeWorker);
});
afterAll(() => {
  vi.unstubAllGlobals();
});

describe("math typeset in a worker", () => {
  it("shows a formula's source until its typesetting arrives, then the one-shot DOM; each formula is sent once", async () => {
    const { Markdown } = await import("./markdown");
    const { OneShot } = await import("./test-render");
    const { loadMath } = await import("@/lib/markdown/load-math");
    const text = "面积 $\\pi r^2$ 与 $\\pi r^2$ 相同。\n\n$$\n\\int_0^1 x\\,dx\n$$\n\n末尾 $e^x$。\n";
    const { container } = mount(<Markdown text={text} streaming={false} />);
    await waitUntil(() => container.querySelector(".katex-pending") !== null);
    expect(workers.created).toBe(1);
    expect(container.querySelector(".katex")).toBeNull();
    expect(container.querySelector(".katex-pending-display")?.textContent).toBe("\\int_0^1 x\\,dx");
    // The same formula twice is typeset once.
    expect([...workers.requests].sort()).toEqual(["\\int_0^1 x\\,dx", "\\pi r^2", "e^x"]);

    release();
    await waitUntil(() => container.querySelector(".katex-pending") === null);
    const math = await loadMath();
    const reference = mount(
      <div className="markdown">
        <OneShot text={text} math={math} />
      </div>,
    );
    expect(container.querySelector(".markdown")?.innerHTML).toBe(
      reference.container.querySelector(".markdown")?.innerHTML,
    );
    expect(container.querySelectorAll(".katex-display")).toHaveLength(1);
    expect(container.querySelectorAll("p .katex")).toHaveLength(3);
    expect(workers.requests).toHaveLength(3);
  });
});

describe("a formula typeset while streaming", () => {
  it("is not typeset again when its block settles (error styling aside, the options do not change it)", async () => {
    const { Markdown } = await import("./markdown");
    const text = "流式公式 $a^2+b^2$ 之后还有文字";
    const { container, render } = mount(<Markdown text={text} streaming />);
    await waitUntil(() => workers.requests.includes("a^2+b^2"));
    release();
    await waitUntil(() => container.querySelector("p .katex") !== null);
    const sent = workers.requests.length;
    render(<Markdown text={`${text}。\n`} streaming={false} />);
    expect(container.querySelector(".katex-pending")).toBeNull();
    expect(container.querySelector("p .katex")).not.toBeNull();
    expect(workers.requests).toHaveLength(sent);
  });
});

describe("a formula still being typed", () => {
  it("shows its source with its `$`, muted, and is sent to the worker only once it is closed", async () => {
    const { Markdown } = await import("./markdown");
    const before = workers.requests.length;
    const { container, render } = mount(<Markdown text={"流式 $\\frac{a}{b"} streaming />);
    await waitUntil(() => container.querySelector(".katex-pending") !== null);
    expect(container.querySelector(".katex-pending")?.textContent).toBe("$\\frac{a}{b");
    render(<Markdown text={"流式 $\\frac{a}{b} + c"} streaming />);
    await waitUntil(() => container.querySelector(".katex-pending")?.textContent === "$\\frac{a}{b} + c");
    expect(workers.requests.slice(before)).toEqual([]);

    render(<Markdown text={"流式 $\\frac{a}{b} + c$ 之后"} streaming />);
    await waitUntil(() => workers.requests.includes("\\frac{a}{b} + c"));
    expect(workers.requests.slice(before)).toEqual(["\\frac{a}{b} + c"]);
    release();
    await waitUntil(() => container.querySelector("p .katex") !== null);
    expect(container.querySelector(".katex-pending")).toBeNull();
  });

  it("is not sent while a display block is still open either", async () => {
    const { Markdown } = await import("./markdown");
    const before = workers.requests.length;
    const { container, render } = mount(<Markdown text={"公式：\n\n$$\n\\sum_{k=1}^{N} k"} streaming />);
    await waitUntil(() => container.querySelector(".katex-pending-display") !== null);
    expect(workers.requests.slice(before)).toEqual([]);
    render(<Markdown text={"公式：\n\n$$\n\\sum_{k=1}^{N} k\n$$\n\n之后"} streaming />);
    await waitUntil(() => workers.requests.includes("\\sum_{k=1}^{N} k"));
    release();
    await waitUntil(() => container.querySelector(".katex-display") !== null);
  });
});

describe("a worker that cannot start", () => {
  it("typesets on the main thread instead, and the formulas show", async () => {
    vi.resetModules();
    workers.fail = true;
    const { Markdown } = await import("./markdown");
    const created = workers.created;
    const { container } = mount(<Markdown text={"质能 $E=mc^2$。\n"} streaming={false} />);
    await waitUntil(() => container.querySelector("p .katex") !== null);
    expect(workers.created).toBe(created + 1);
    expect(container.querySelector(".katex-pending")).toBeNull();
  });
});
