// @vitest-environment happy-dom
import { describe, expect, it, vi } from "vitest";
import { mount, settle, waitUntil } from "./dom-test-utils";
import { Markdown } from "./markdown";

// Count evaluations of the heavy modules: a factory runs only when the module is first imported.
const imported = vi.hoisted(() => ({ shiki: 0, katex: 0 }));
vi.mock("shiki/core", async (original) => {
  imported.shiki++;
  return original();
});
vi.mock("katex", async (original) => {
  imported.katex++;
  return original();
});

describe("lazy loading", () => {
  it("imports neither Shiki nor KaTeX for text without code or math", async () => {
    const { container } = mount(
      <Markdown
        text={"# Title\n\nSome **text**, a `span`, a [link](https://a.example).\n\n| a |\n| - |\n| 1 |\n"}
        streaming={false}
      />,
    );
    await settle(container);
    expect(container.querySelector("h1")?.textContent).toBe("Title");
    expect(imported).toEqual({ shiki: 0, katex: 0 });
  });

  it("imports Shiki when a code block appears and highlights it", async () => {
    const { container } = mount(<Markdown text={"```ts\nconst a: number = 1;\n```\n"} streaming={false} />);
    const plain = container.querySelector("pre")?.textContent;
    await waitUntil(() => container.querySelector("pre code span[style]") !== null);
    expect(imported.shiki).toBe(1);
    expect(imported.katex).toBe(0);
    expect(container.querySelectorAll("pre code span[style]").length).toBeGreaterThan(0);
    // Highlighting changes colours only, never the text: no layout jump.
    expect(container.querySelector("pre")?.textContent).toBe(plain);
  });

  it("imports KaTeX when math appears, including \\( \\) delimiters", async () => {
    const { container } = mount(
      <Markdown text={"Euler: \\(e^{i\\pi} + 1 = 0\\)\n\n\\[\n\\int_0^1 x\\,dx\n\\]\n"} streaming={false} />,
    );
    await waitUntil(() => container.querySelector(".katex-display") !== null);
    expect(imported.katex).toBe(1);
    expect(container.querySelector("p .katex")).not.toBeNull();
    expect(container.querySelector(".katex-display")).not.toBeNull();
    expect(container.textContent).not.toContain("\\(");
  });
});
